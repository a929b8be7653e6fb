package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The least-squares fill trend, table-driven with synthetic samples: one sample a second of a fill
 * given as a function of time, and the time to full it predicts.
 */
class FillTrendTest {

  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  interface Fill {
    double at(int second);
  }

  static Stream<Arguments> trends() {
    return Stream.of(
        // name, window s, samples (one a second), fill, expected seconds to full (NaN: none)
        Arguments.of("steady 1 %/s from 10 %", 60, 31, (Fill) s -> 10 + s, 60.0),
        Arguments.of("steady 0.5 %/s from 0", 60, 41, (Fill) s -> 0.5 * s, 160.0),
        Arguments.of(
            "steady with noise", 60, 61, (Fill) s -> 0.5 * s + (s % 2 == 0 ? 0.4 : -0.4), 140.0),
        Arguments.of(
            "old samples outside the window are forgotten: fast then slow",
            20,
            61,
            (Fill) s -> s < 30 ? 2.0 * s : 60 + 0.25 * (s - 30),
            (100 - (60 + 0.25 * 30)) / 0.25),
        Arguments.of("flat: never full", 60, 40, (Fill) s -> 42, Double.POSITIVE_INFINITY),
        Arguments.of("draining: never full", 60, 40, (Fill) s -> 80 - s, Double.POSITIVE_INFINITY),
        Arguments.of("full already", 60, 40, (Fill) s -> Math.min(100, 60 + 2 * s), 0.0),
        Arguments.of("too short a span for the window", 60, 20, (Fill) s -> s, Double.NaN),
        Arguments.of("too few samples", 2, 2, (Fill) s -> s, Double.NaN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trends")
  void predictsTheTimeToFull(
      String name, int windowSeconds, int samples, Fill fill, double expected) {
    FillTrend trend = new FillTrend(Duration.ofSeconds(windowSeconds));
    for (int s = 0; s < samples; s++) {
      trend.add(T0.plusSeconds(s), fill.at(s));
    }

    FillTrend.Prediction prediction = trend.predict();

    if (Double.isNaN(expected)) {
      assertThat(prediction).isNull();
    } else if (Double.isInfinite(expected)) {
      assertThat(prediction.secondsToFull()).isInfinite();
    } else {
      assertThat(prediction.secondsToFull()).isCloseTo(expected, within(expected * 0.02 + 0.5));
    }
  }
}
