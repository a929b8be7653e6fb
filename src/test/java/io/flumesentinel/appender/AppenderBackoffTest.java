package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exponential back-off with equal jitter and a cap. */
class AppenderBackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  @Test
  void doublesFromTheInitialDelayAndJitterTakesAwayAtMostHalf() {
    long[] full = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
    for (int failures = 1; failures <= full.length; failures++) {
      long cap = full[failures - 1];
      assertThat(backoff.delay(failures, 0.0)).isEqualTo(Duration.ofMillis(cap - cap / 2));
      assertThat(backoff.delay(failures, 0.999999).toMillis()).isBetween(cap - 1, cap);
    }
  }

  @Test
  void neverAboveTheCapHoweverLongTheOutage() {
    assertThat(backoff.delay(Integer.MAX_VALUE, 0.999999))
        .isLessThanOrEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void settingsOutOfRangeAreNamed() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("backoffInitial");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("backoffMax");
  }
}
