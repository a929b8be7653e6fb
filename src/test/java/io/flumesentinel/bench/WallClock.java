package io.flumesentinel.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Wall-clock microseconds, the one time base that processes on one host share: each process of a
 * black-box benchmark notes its own moments in it, and the benchmark subtracts them.
 */
final class WallClock {

  private WallClock() {}

  static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  /** A moment noted as {@link System#nanoTime()} in this process, in wall-clock microseconds. */
  static long micros(long nanoTime) {
    return nowMicros() - (System.nanoTime() - nanoTime) / 1_000;
  }
}
