package io.flumesentinel.supervisor;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines a process wrote, bounded both in lines and in characters, for crash reports.
 * Thread-safe: the reader thread appends while the supervisor reads.
 */
public final class OutputTail {

  private final int maxLines;
  private final int maxChars;
  private final Deque<String> lines = new ArrayDeque<>();
  private int chars;

  public OutputTail(int maxLines, int maxChars) {
    this.maxLines = maxLines;
    this.maxChars = maxChars;
  }

  public synchronized void add(String line) {
    String kept = line.length() > maxChars ? line.substring(line.length() - maxChars) : line;
    lines.addLast(kept);
    chars += kept.length() + 1;
    while (lines.size() > maxLines || (chars > maxChars && lines.size() > 1)) {
      chars -= lines.removeFirst().length() + 1;
    }
  }

  /** The kept lines joined by newlines, oldest first. */
  public synchronized String text() {
    return String.join("\n", lines);
  }
}
