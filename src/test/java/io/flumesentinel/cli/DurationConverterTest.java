package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.ConfigException;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.DurationText;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Duration options read durations as the config file does: one table, both readers. */
class DurationConverterTest {

  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of("0", Duration.ZERO),
        Arguments.of("500ms", Duration.ofMillis(500)),
        Arguments.of("30s", Duration.ofSeconds(30)),
        Arguments.of("90m", Duration.ofMinutes(90)),
        Arguments.of("2h", Duration.ofHours(2)),
        Arguments.of("1d", Duration.ofDays(1)),
        Arguments.of("12h30m", Duration.ofMinutes(750)),
        Arguments.of("PT1H", Duration.ofHours(1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("durations")
  void theOptionAndTheFileReadTheSameDuration(String text, Duration expected) {
    assertThat(new DurationConverter().convert(text)).isEqualTo(expected);
    assertThat(
            ConfigLoader.parse("classifier: { grace: " + text + " }", "monitor.yaml")
                .classifier()
                .grace())
        .isEqualTo(expected);
  }

  static Stream<Arguments> longerThanAnyConfigKey() {
    return Stream.of(
        Arguments.of("1w", Duration.ofDays(7)),
        Arguments.of("1y", Duration.ofDays(365)),
        Arguments.of("1d12h", Duration.ofHours(36)),
        Arguments.of("2w3d", Duration.ofDays(17)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("longerThanAnyConfigKey")
  void weeksAndYearsAreReadByBoth(String text, Duration expected) {
    assertThat(new DurationConverter().convert(text)).isEqualTo(expected);
    assertThatThrownBy(
            () -> ConfigLoader.parse("classifier: { grace: " + text + " }", "monitor.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "classifier.grace: must be between 0 and 1d, got '"
                + DurationText.format(expected)
                + "'");
  }

  static Stream<Arguments> notDurations() {
    return Stream.of(
        Arguments.of("2 hours", "'2 hours' is not a duration such as 90m, 2h, 1d12h or 1w"),
        Arguments.of("90", "'90' is not a duration such as 90m, 2h, 1d12h or 1w"),
        Arguments.of("30m1h", "'30m1h' is not a duration such as 90m, 2h, 1d12h or 1w"),
        Arguments.of("-1h", "'-1h' is not a duration such as 90m, 2h, 1d12h or 1w"),
        Arguments.of("99999999999999999999h", "'99999999999999999999h' is too long a duration"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notDurations")
  void whatIsNotADurationIsRefusedByBoth(String text, String message) {
    assertThatThrownBy(() -> new DurationConverter().convert(text))
        .isInstanceOf(DurationConverter.Invalid.class)
        .hasMessage(message);
    assertThatThrownBy(
            () -> ConfigLoader.parse("classifier: { grace: '" + text + "' }", "monitor.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("classifier.grace: ");
  }
}
