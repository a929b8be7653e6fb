package io.flumesentinel.cli;

import io.flumesentinel.config.DurationText;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option as the config file reads durations ({@link DurationText}): {@code 90m},
 * {@code 2h}, {@code 1d12h}, {@code 1w}, {@code 1y}, {@code 500ms}, or ISO-8601 ({@code PT2H}).
 * Whether the duration suits the option is the command's to say.
 */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String text) {
    try {
      return DurationText.parse(text);
    } catch (ArithmeticException e) {
      throw new Invalid("'" + text + "' is too long a duration");
    } catch (IllegalArgumentException e) {
      throw new Invalid("'" + text + "' is not a duration such as 90m, 2h, 1d12h or 1w");
    }
  }

  /**
   * A value that is not a duration. Its message says so completely: {@link CommandLineErrors}
   * prints it after the option's name, as {@code --duration: '2 hours' is not a duration ...}.
   */
  static final class Invalid extends TypeConversionException {

    Invalid(String message) {
      super(message);
    }
  }
}
