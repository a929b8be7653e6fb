package io.flumesentinel.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides when records the history could not keep are told in the log: the first drop at once, then
 * at most one line per {@link #INTERVAL} with the count since the previous line, so that a storm is
 * told in a few lines and never silently. Time from the injected clock. Used from one thread.
 */
final class DropLog {

  static final Duration INTERVAL = Duration.ofSeconds(10);

  private final Clock clock;
  private Instant quietUntil = Instant.MIN;
  private long untold;

  DropLog(Clock clock) {
    this.clock = clock;
  }

  /**
   * Notes {@code count} more records dropped.
   *
   * @return how many to tell now (those since the last line told, these included), or 0 to stay
   *     quiet for now
   */
  long dropped(long count) {
    untold += count;
    Instant now = clock.instant();
    if (now.isBefore(quietUntil)) {
      return 0;
    }
    quietUntil = now.plus(INTERVAL);
    long told = untold;
    untold = 0;
    return told;
  }
}
