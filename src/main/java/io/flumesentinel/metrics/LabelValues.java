package io.flumesentinel.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Label values from untrusted data (group names read from ZooKeeper), bounded: each value at most
 * {@link #MAX_CHARS} characters without control characters, and at most {@code maxDistinct}
 * distinct values, the first ones seen; any other value becomes {@value #OTHER}. A value once taken
 * keeps its label for the life of the monitor, so that a series never changes its meaning.
 * Thread-safe.
 */
final class LabelValues {

  /** The label value of everything beyond the limit. */
  static final String OTHER = "other";

  /** The longest label value kept; longer ones are cut, with "…" at the end. */
  static final int MAX_CHARS = 64;

  private final int maxDistinct;
  private final Set<String> taken = ConcurrentHashMap.newKeySet();

  LabelValues(int maxDistinct) {
    this.maxDistinct = maxDistinct;
  }

  /** The label for {@code value}: itself, made safe and short, or {@value #OTHER}. */
  String of(String value) {
    String label = clean(value);
    if (taken.contains(label)) {
      return label;
    }
    synchronized (taken) {
      if (taken.size() >= maxDistinct) {
        return taken.contains(label) ? label : OTHER;
      }
      taken.add(label);
      return label;
    }
  }

  /** Every label given out so far, {@value #OTHER} not included unless it was a value itself. */
  Set<String> taken() {
    return Set.copyOf(taken);
  }

  private static String clean(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS));
    int chars = 0;
    for (int i = 0; i < value.length(); ) {
      int codePoint = value.codePointAt(i);
      i += Character.charCount(codePoint);
      if (chars == MAX_CHARS - 1 && i < value.length()) {
        out.append('…');
        break;
      }
      out.appendCodePoint(Character.isISOControl(codePoint) ? '?' : codePoint);
      chars++;
    }
    return out.toString();
  }
}
