package io.flumesentinel.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.flumesentinel.config.BackoffConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final BackoffConfig NO_JITTER =
      new BackoffConfig(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0);

  @Test
  void growsExponentiallyUpToTheCap() {
    Backoff backoff = new Backoff(NO_JITTER, new Random(1));

    assertThat(delaysMillis(backoff, 7))
        .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L);
  }

  @Test
  void resetStartsAgainFromTheInitialDelay() {
    Backoff backoff = new Backoff(NO_JITTER, new Random(1));
    delaysMillis(backoff, 5);

    backoff.reset();

    assertThat(delaysMillis(backoff, 2)).containsExactly(100L, 200L);
  }

  @Test
  void jitterSpreadsEachDelayWithinItsFraction() {
    BackoffConfig config =
        new BackoffConfig(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.2);
    Backoff backoff = new Backoff(config, new Random(7));

    List<Long> delays = delaysMillis(backoff, 5);

    assertThat(delays.get(0)).isBetween(80L, 120L);
    assertThat(delays.get(1)).isBetween(160L, 240L);
    assertThat(delays.get(4)).isBetween(1280L, 1920L);
  }

  @Test
  void jitterNeverGoesAboveTheCapNorBelowZero() {
    BackoffConfig wide =
        new BackoffConfig(Duration.ofMillis(100), Duration.ofMillis(300), 3.0, 1.0);
    Backoff highest = new Backoff(wide, constant(0.999_999));
    Backoff lowest = new Backoff(wide, constant(0.0));

    assertThat(delaysMillis(highest, 5))
        .allSatisfy(delay -> assertThat(delay).isBetween(0L, 300L))
        .last()
        .isEqualTo(300L);
    assertThat(delaysMillis(lowest, 5)).containsOnly(0L);
  }

  @Test
  void aLongOutageDoesNotOverflow() {
    BackoffConfig config = new BackoffConfig(Duration.ofMillis(1), Duration.ofMinutes(5), 10.0, 0);
    Backoff backoff = new Backoff(config, new Random(1));

    assertThat(delaysMillis(backoff, 10_000).get(9_999))
        .isEqualTo(Duration.ofMinutes(5).toMillis());
  }

  @Test
  void refusesSettingsThatMakeNoSense() {
    Duration ms = Duration.ofMillis(1);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Backoff(new BackoffConfig(ms.negated(), ms, 2, 0)))
        .withMessageContaining("backoff.initial");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Backoff(new BackoffConfig(ms.multipliedBy(2), ms, 2, 0)))
        .withMessageContaining("backoff.max");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Backoff(new BackoffConfig(ms, ms, 0.5, 0)))
        .withMessageContaining("backoff.multiplier");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Backoff(new BackoffConfig(ms, ms, 2, 1.5)))
        .withMessageContaining("backoff.jitter");
  }

  private static List<Long> delaysMillis(Backoff backoff, int count) {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      delays.add(backoff.nextDelay().toMillis());
    }
    return delays;
  }

  private static RandomGenerator constant(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }
}
