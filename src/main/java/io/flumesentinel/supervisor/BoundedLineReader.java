package io.flumesentinel.supervisor;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines of at most {@code maxChars} characters from a stream nobody bounds (an agent's
 * output): a longer line is cut there and marked {@link Line#truncated()}, and the rest of it is
 * read and dropped up to its newline, so a process printing without end costs a fixed amount of
 * memory and never blocks on a full pipe. {@code \n} ends a line, a {@code \r} before it is
 * dropped. Not thread-safe: one reader thread.
 */
final class BoundedLineReader {

  /**
   * One line.
   *
   * @param truncated whether the line went on past {@code text}
   */
  record Line(String text, boolean truncated) {}

  private final Reader in;
  private final int maxChars;
  private final char[] buffer = new char[8192];
  private int position;
  private int limit;

  /** Within a line that was cut: its remaining characters are dropped up to the newline. */
  private boolean dropping;

  BoundedLineReader(Reader in, int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be at least 1");
    }
    this.in = in;
    this.maxChars = maxChars;
  }

  /** The next line, or {@code null} at the end of the stream. */
  Line next() throws IOException {
    StringBuilder line = new StringBuilder();
    boolean started = false;
    while (true) {
      if (position == limit) {
        int read = in.read(buffer, 0, buffer.length);
        if (read < 0) {
          dropping = false;
          return started ? new Line(withoutCarriageReturn(line), false) : null;
        }
        position = 0;
        limit = read;
      }
      char c = buffer[position++];
      if (dropping) {
        dropping = c != '\n';
        continue;
      }
      started = true;
      if (c == '\n') {
        return new Line(withoutCarriageReturn(line), false);
      }
      if (line.length() == maxChars) {
        // c is the first character past the limit, and not the line's end
        dropping = true;
        return new Line(line.toString(), true);
      }
      line.append(c);
    }
  }

  private static String withoutCarriageReturn(StringBuilder line) {
    int end = line.length();
    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
  }
}
