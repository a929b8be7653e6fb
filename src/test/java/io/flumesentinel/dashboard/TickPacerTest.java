package io.flumesentinel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TickPacerTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final TickPacer pacer = new TickPacer(clock, Duration.ofMillis(100));

  @Test
  void theFirstTickGoesAtOnceAndTheNextWaitsForTheInterval() {
    assertThat(pacer.waitMillis()).isZero();
    pacer.sent();
    long[][] table = {
      // ms after the tick, wait before the next
      {0, 100},
      {30, 70},
      {99, 1},
      {100, 0},
      {5000, 0},
    };
    long at = 0;
    for (long[] row : table) {
      clock.advance(Duration.ofMillis(row[0] - at));
      at = row[0];
      assertThat(pacer.waitMillis()).as("%d ms after", row[0]).isEqualTo(row[1]);
    }
  }
}
