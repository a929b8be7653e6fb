package io.flumesentinel.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way durations are written, in the config file and on the command line: as Prometheus and
 * Alertmanager write them ({@code 30s}, {@code 5m}, {@code 4h}, {@code 2d}, {@code 1h30m}, {@code
 * 500ms}, {@code 1y}), or as ISO-8601 ({@code PT30S}).
 *
 * <p>Units are {@code y} (365 days), {@code w}, {@code d}, {@code h}, {@code m}, {@code s} and
 * {@code ms}, each at most once and largest first; {@code 0} alone needs no unit. Nothing is
 * negative. Whether a duration is in range is for the caller to say.
 */
public final class DurationText {

  private static final Pattern UNITS =
      Pattern.compile(
          "(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m(?!s))?"
              + "(?:([0-9]+)s)?(?:([0-9]+)ms)?");

  private static final Duration[] UNIT =
      new Duration[] {
        Duration.ofDays(365),
        Duration.ofDays(7),
        Duration.ofDays(1),
        Duration.ofHours(1),
        Duration.ofMinutes(1),
        Duration.ofSeconds(1),
        Duration.ofMillis(1)
      };

  private static final String[] FORMAT_UNITS = {"d", "h", "m", "s", "ms"};
  private static final Duration[] FORMAT_UNIT = {
    Duration.ofDays(1),
    Duration.ofHours(1),
    Duration.ofMinutes(1),
    Duration.ofSeconds(1),
    Duration.ofMillis(1)
  };

  private DurationText() {}

  /**
   * The duration {@code text} writes; surrounding blanks are ignored.
   *
   * @throws IllegalArgumentException if it is not written as a duration
   * @throws ArithmeticException if it is one, but too long for a {@link Duration}
   */
  public static Duration parse(String text) {
    String written = text.strip();
    if (written.equals("0")) {
      return Duration.ZERO;
    }
    if (written.toUpperCase(Locale.ROOT).startsWith("P")) {
      return iso(written);
    }
    Matcher parts = UNITS.matcher(written);
    if (written.isEmpty() || !parts.matches()) {
      throw new IllegalArgumentException("not a duration: " + written);
    }
    Duration total = Duration.ZERO;
    for (int i = 0; i < UNIT.length; i++) {
      String number = parts.group(i + 1);
      if (number != null) {
        long count;
        try {
          count = Long.parseLong(number);
        } catch (NumberFormatException tooManyDigits) {
          throw new ArithmeticException("too long a duration: " + written);
        }
        total = total.plus(UNIT[i].multipliedBy(count));
      }
    }
    return total;
  }

  private static Duration iso(String written) {
    Duration duration;
    try {
      duration = Duration.parse(written);
    } catch (DateTimeParseException e) {
      if (e.getCause() instanceof ArithmeticException
          || e.getCause() instanceof NumberFormatException) {
        // Written as ISO-8601, but with a number too large for a Duration.
        throw new ArithmeticException("too long a duration: " + written);
      }
      throw new IllegalArgumentException("not a duration: " + written, e);
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a negative duration: " + written);
    }
    return duration;
  }

  /**
   * {@code duration} as {@link #parse} reads it back, in days at most: {@code 4h}, {@code 1h30m},
   * {@code 90d}, {@code 500ms}, {@code 0}. Below a millisecond is left out.
   */
  public static String format(Duration duration) {
    if (duration.toMillis() == 0) {
      return "0";
    }
    StringBuilder text = new StringBuilder();
    Duration rest = duration;
    for (int i = 0; i < FORMAT_UNIT.length; i++) {
      long count = rest.dividedBy(FORMAT_UNIT[i]);
      if (count > 0) {
        text.append(count).append(FORMAT_UNITS[i]);
        rest = rest.minus(FORMAT_UNIT[i].multipliedBy(count));
      }
    }
    return text.toString();
  }
}
