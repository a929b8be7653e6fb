package io.flumesentinel.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Spaces the ticks sent to the dashboards at least {@code minInterval} apart: the first change
 * after a quiet spell goes out at once, the changes that follow wait for the interval and go out
 * together. Pure; time comes from the injected clock only.
 */
final class TickPacer {

  private final Clock clock;
  private final Duration minInterval;
  private Instant lastSent = Instant.MIN;

  TickPacer(Clock clock, Duration minInterval) {
    this.clock = clock;
    this.minInterval = minInterval;
  }

  /** Milliseconds to wait before the next tick may go out; 0 when it may go now. */
  long waitMillis() {
    if (lastSent.equals(Instant.MIN)) {
      return 0;
    }
    long since = Duration.between(lastSent, clock.instant()).toMillis();
    return Math.max(0, minInterval.toMillis() - since);
  }

  /** A tick went out now. */
  void sent() {
    lastSent = clock.instant();
  }
}
