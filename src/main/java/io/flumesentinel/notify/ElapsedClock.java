package io.flumesentinel.notify;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that never goes back: the wall time when it was made plus the time elapsed since, as
 * {@link System#nanoTime()} measures it. Waits measured on it (a group's hold, a receiver's pace, a
 * back-off) last as long as they say even when the system clock is set back or forward meanwhile.
 * Its instants drift from the wall clock by as much as the system clock was set; use them for
 * durations, never as timestamps for people.
 */
final class ElapsedClock extends Clock {

  private final Instant origin;
  private final long originNanos;

  ElapsedClock() {
    this.origin = Instant.now();
    this.originNanos = System.nanoTime();
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(System.nanoTime() - originNanos);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("an elapsed-time clock has no zone to change");
  }
}
