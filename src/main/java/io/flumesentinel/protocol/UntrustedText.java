package io.flumesentinel.protocol;

/**
 * Makes text that anyone with write access to ZooKeeper can set (an agent's host, group, labels,
 * its stderr) safe to carry: bounded in length and without control characters, so that it can
 * neither forge a log line (a CR or LF), hide or reorder text (bidirectional overrides), nor make a
 * message too big for its receiver. Pure functions.
 */
public final class UntrustedText {

  /** Longest single-line value kept (a host, a group, a label value), in characters. */
  public static final int MAX_VALUE_CHARS = 256;

  /** What stands for the part of a text that was cut off. */
  public static final String CUT = "…";

  private UntrustedText() {}

  /**
   * {@code text} as one line: line breaks and tabs become spaces, other control characters are
   * removed, and it is cut to {@link #MAX_VALUE_CHARS} (ending with {@link #CUT}); {@code null}
   * stays {@code null}.
   */
  public static String line(String text) {
    return text == null ? null : cut(clean(text, false), MAX_VALUE_CHARS);
  }

  /**
   * {@code text} keeping its line breaks ({@code \n}) and tabs, other control characters removed (a
   * CR included), cut to its last {@code maxChars} characters, as a tail of output is read.
   */
  public static String lines(String text, int maxChars) {
    if (text == null) {
      return null;
    }
    String clean = clean(text, true);
    if (clean.length() <= maxChars) {
      return clean;
    }
    int from = clean.length() - maxChars;
    if (Character.isLowSurrogate(clean.charAt(from))) {
      from++;
    }
    return clean.substring(from);
  }

  /**
   * {@code text} at most {@code maxChars} long: when longer, its start followed by {@link #CUT},
   * never splitting a character made of two {@code char}s.
   *
   * @param maxChars at least 1
   */
  public static String cut(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    int end = maxChars - CUT.length();
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, Math.max(0, end)) + CUT;
  }

  /**
   * Whether {@code name} is a Prometheus label name, {@code [a-zA-Z_][a-zA-Z0-9_]*}, as receivers
   * (Alertmanager among them) require.
   */
  public static boolean isLabelName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
      if (!(letter || i > 0 && c >= '0' && c <= '9')) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code name} made a Prometheus label name, as Prometheus renames the labels it takes from
   * elsewhere: each character outside {@code [a-zA-Z0-9_]} becomes {@code _}, a leading digit gets
   * a {@code _} before it, at most {@link #MAX_VALUE_CHARS} long; {@code null} when nothing of it
   * is left.
   */
  public static String labelName(String name) {
    if (isLabelName(name) && name.length() <= MAX_VALUE_CHARS) {
      return name;
    }
    if (name == null || name.isBlank()) {
      return null;
    }
    StringBuilder renamed = new StringBuilder(Math.min(name.length() + 1, MAX_VALUE_CHARS));
    if (name.charAt(0) >= '0' && name.charAt(0) <= '9') {
      renamed.append('_');
    }
    for (int i = 0; i < name.length() && renamed.length() < MAX_VALUE_CHARS; i++) {
      char c = name.charAt(i);
      boolean allowed =
          c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
      renamed.append(allowed ? c : '_');
    }
    return renamed.toString();
  }

  /**
   * Whether {@code c} changes how text around it is laid out or read rather than showing itself: C0
   * and C1 controls, DEL, the line and paragraph separators, and the bidirectional embeddings,
   * overrides and isolates (which can make a host name read backwards).
   */
  public static boolean isControl(int c) {
    return Character.getType(c) == Character.CONTROL
        || c == 0x2028
        || c == 0x2029
        || c >= 0x202A && c <= 0x202E
        || c >= 0x2066 && c <= 0x2069;
  }

  private static String clean(String text, boolean keepLines) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!isControl(c)) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (c == '\t' || c == '\n') {
        out.append(keepLines ? c : ' ');
      } else if (!keepLines && (c == '\r' || c == 0x2028 || c == 0x2029)) {
        // a lone CR or a separator is a line break too; CR LF becomes one space
        if (!(c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n')) {
          out.append(' ');
        }
      } else if (keepLines && (c == 0x2028 || c == 0x2029)) {
        out.append('\n');
      }
    }
    return out == null ? text : out.toString();
  }
}
