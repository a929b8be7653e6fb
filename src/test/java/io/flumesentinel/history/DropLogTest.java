package io.flumesentinel.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DropLogTest {

  @Test
  void tellsTheFirstDropAtOnceThenAtMostOneCountEveryInterval() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    DropLog log = new DropLog(clock);

    assertThat(log.dropped(3)).isEqualTo(3);
    assertThat(log.dropped(5)).isZero();
    clock.advance(DropLog.INTERVAL.minusMillis(1));
    assertThat(log.dropped(1)).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(log.dropped(2)).isEqualTo(8);
    clock.advance(DropLog.INTERVAL.multipliedBy(5));
    assertThat(log.dropped(1)).isEqualTo(1);
  }
}
