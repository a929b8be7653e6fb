package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration syntax of the config file and the command line. */
class DurationTextTest {

  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of("0", Duration.ZERO),
        Arguments.of("0s", Duration.ZERO),
        Arguments.of("500ms", Duration.ofMillis(500)),
        Arguments.of("30s", Duration.ofSeconds(30)),
        Arguments.of("5m", Duration.ofMinutes(5)),
        Arguments.of("90m", Duration.ofMinutes(90)),
        Arguments.of("4h", Duration.ofHours(4)),
        Arguments.of("2d", Duration.ofDays(2)),
        Arguments.of("1w", Duration.ofDays(7)),
        Arguments.of("1y", Duration.ofDays(365)),
        Arguments.of("1h30m", Duration.ofMinutes(90)),
        Arguments.of("1d12h", Duration.ofHours(36)),
        Arguments.of(
            "1y2w3d4h5m6s7ms",
            Duration.ofDays(365 + 14 + 3).plusHours(4).plusMinutes(5).plusSeconds(6).plusMillis(7)),
        Arguments.of("1m500ms", Duration.ofMillis(60_500)),
        Arguments.of(" 30s ", Duration.ofSeconds(30)),
        Arguments.of("1000000000ms", Duration.ofMillis(1_000_000_000)),
        Arguments.of("PT30S", Duration.ofSeconds(30)),
        Arguments.of("pt1h30m", Duration.ofMinutes(90)),
        Arguments.of("P2D", Duration.ofDays(2)));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("durations")
  void readsEachWayOfWritingADuration(String text, Duration expected) {
    assertThat(DurationText.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "", " ", "30", "1.5s", "-5m", "5 m", "2 hours", "5M", "1h1h", "30m1h", "1ms1s", "s", "ms",
        "4hours", "PT-1H", "-PT1H", "P", "1e3s", "0x10s"
      })
  void refusesWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> DurationText.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"99999999999999999999s", "999999999999y", "PT9999999999999999999H"})
  void aDurationTooLongToHoldIsAnArithmeticProblem(String text) {
    assertThatThrownBy(() -> DurationText.parse(text)).isInstanceOf(ArithmeticException.class);
  }

  static Stream<Arguments> formats() {
    return Stream.of(
        Arguments.of(Duration.ZERO, "0"),
        Arguments.of(Duration.ofNanos(1), "0"),
        Arguments.of(Duration.ofMillis(1), "1ms"),
        Arguments.of(Duration.ofMillis(1500), "1s500ms"),
        Arguments.of(Duration.ofMinutes(90), "1h30m"),
        Arguments.of(Duration.ofHours(4), "4h"),
        Arguments.of(Duration.ofDays(90), "90d"),
        Arguments.of(Duration.ofDays(365), "365d"));
  }

  @ParameterizedTest(name = "{0} is written {1}")
  @MethodSource("formats")
  void writesADurationAsItIsReadBack(Duration duration, String text) {
    assertThat(DurationText.format(duration)).isEqualTo(text);
    assertThat(DurationText.parse(text))
        .isEqualTo(duration.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }
}
