package io.flumesentinel.silence;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regular expressions written by users (silence matchers, API filters), anchored and run on RE2/J,
 * a linear-time engine: matching costs at most the pattern's size times the value's length, so no
 * pattern (such as {@code (((.+)+)+)+X}) can make a match backtrack for minutes on an event loop.
 * The syntax is RE2's, the one Prometheus and Alertmanager use (no back-references, no
 * look-around).
 *
 * <p>Bounded as well: a pattern longer than {@link #MAX_CHARS}, or whose counted repetitions
 * multiply out to a program of more than {@link #MAX_SIZE} steps (such as {@code (a{100}){100}},
 * which RE2/J would compile for seconds), is refused. Compiled patterns are kept in a small cache
 * shared by every thread.
 */
final class UserRegex {

  /** Longest pattern accepted, in characters. */
  static final int MAX_CHARS = 1024;

  /** Largest program accepted, as estimated by {@link #size(String)}. */
  static final int MAX_SIZE = 4096;

  private static final int CACHE_SIZE = 256;

  private static final Map<String, Pattern> CACHE =
      new LinkedHashMap<>(CACHE_SIZE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  private UserRegex() {}

  /**
   * The anchored pattern of {@code regex}: it matches a value only as a whole.
   *
   * @throws IllegalArgumentException naming the problem when {@code regex} does not compile or is
   *     too large
   */
  static Pattern compile(String regex) {
    synchronized (CACHE) {
      Pattern cached = CACHE.get(regex);
      if (cached != null) {
        return cached;
      }
    }
    if (regex.length() > MAX_CHARS) {
      throw new IllegalArgumentException(
          "a regex of "
              + regex.length()
              + " characters is longer than the "
              + MAX_CHARS
              + " allowed");
    }
    if (size(regex) > MAX_SIZE) {
      throw new IllegalArgumentException(
          "'" + regex + "' repeats too much (its repetitions multiply out past " + MAX_SIZE + ")");
    }
    try {
      // Only to name a syntax error as it has always been named (java.util.regex compiles without
      // matching, in linear time); nothing is ever matched with it.
      java.util.regex.Pattern.compile(regex);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw invalid(regex, e.getDescription());
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile("(?:" + regex + ")");
    } catch (PatternSyntaxException e) {
      // RE2 syntax that Java accepts: back-references, look-around, possessive quantifiers
      throw invalid(regex, e.getDescription());
    }
    synchronized (CACHE) {
      CACHE.put(regex, pattern);
    }
    return pattern;
  }

  private static IllegalArgumentException invalid(String regex, String why) {
    return new IllegalArgumentException("'" + regex + "' is not a valid regex: " + why);
  }

  /** Whether {@code value} matches {@code regex} as a whole. */
  static boolean matches(String regex, String value) {
    return compile(regex).matches(value);
  }

  /**
   * An upper bound of the compiled program's size: every atom counts one, a group the sum of its
   * parts, and a counted repetition ({@code {n}}, {@code {n,m}}, {@code {n,}}) multiplies what it
   * repeats by its largest count. Enough to refuse nested counted repetitions, which RE2/J expands
   * without limit; the exact syntax is left to the compiler.
   */
  static long size(String regex) {
    Deque<long[]> groups = new ArrayDeque<>();
    long[] current = {0};
    long last = 0;
    int i = 0;
    while (i < regex.length()) {
      char c = regex.charAt(i);
      switch (c) {
        case '\\' -> {
          if (i + 1 < regex.length() && regex.charAt(i + 1) == 'Q') {
            int end = regex.indexOf("\\E", i + 2);
            int stop = end < 0 ? regex.length() : end + 2;
            last = Math.max(1, stop - i);
            i = stop;
          } else {
            last = 1;
            i += 2;
          }
          current[0] = add(current[0], last);
          continue;
        }
        case '[' -> {
          i = classEnd(regex, i);
          last = 1;
          current[0] = add(current[0], last);
          continue;
        }
        case '(' -> {
          groups.push(current);
          current = new long[] {0};
          last = 0;
        }
        case ')' -> {
          last = Math.max(1, current[0]);
          current = groups.isEmpty() ? new long[] {0} : groups.pop();
          current[0] = add(current[0], last);
        }
        case '{' -> {
          int close = regex.indexOf('}', i);
          long count = close < 0 ? -1 : count(regex.substring(i + 1, close));
          if (count < 0) {
            last = 1;
            current[0] = add(current[0], last);
          } else {
            // the repeated atom is already counted once
            current[0] = add(current[0] - last, multiply(last, count));
            last = multiply(last, count);
            i = close + 1;
            continue;
          }
        }
        case '*', '+', '?', '|' -> current[0] = add(current[0], 1);
        default -> {
          last = 1;
          current[0] = add(current[0], last);
        }
      }
      i++;
    }
    while (!groups.isEmpty()) {
      long inner = current[0];
      current = groups.pop();
      current[0] = add(current[0], inner);
    }
    return current[0];
  }

  /** The largest count of a repetition's body ({@code 3}, {@code 2,5}, {@code 2,}), or -1. */
  private static long count(String body) {
    String[] parts = body.split(",", -1);
    if (parts.length > 2) {
      return -1;
    }
    try {
      long low = Long.parseLong(parts[0].strip());
      if (parts.length == 1) {
        return low;
      }
      return parts[1].isBlank() ? low + 1 : Math.max(low, Long.parseLong(parts[1].strip()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The index after the character class starting at {@code start}. */
  private static int classEnd(String regex, int start) {
    int i = start + 1;
    if (i < regex.length() && regex.charAt(i) == '^') {
      i++;
    }
    if (i < regex.length() && regex.charAt(i) == ']') {
      i++;
    }
    while (i < regex.length()) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '[' && i + 1 < regex.length() && regex.charAt(i + 1) == ':') {
        int end = regex.indexOf(":]", i + 2);
        i = end < 0 ? i + 1 : end + 2;
      } else if (c == ']') {
        return i + 1;
      } else {
        i++;
      }
    }
    return regex.length();
  }

  private static long add(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private static long multiply(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
  }
}
