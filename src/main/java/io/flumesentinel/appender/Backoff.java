package io.flumesentinel.appender;

import java.time.Duration;

/**
 * The wait before an agent that failed is tried again: {@code initial × 2^(failures-1)}, capped at
 * {@code max}, of which a random half is taken away ("equal jitter"), so that applications that
 * lost the same agent do not come back to it in step. Pure: the random number is an argument.
 */
public record Backoff(Duration initial, Duration max) {

  public Backoff {
    if (initial == null || initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("backoffInitial must be more than zero");
    }
    if (max == null || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoffMax must be at least backoffInitial");
    }
  }

  /**
   * The wait after the {@code failures}-th failure in a row (1 for the first).
   *
   * @param random a number in [0, 1)
   * @return between half the capped exponential delay and the whole of it, never above {@code max}
   */
  public Duration delay(int failures, double random) {
    long initialMs = initial.toMillis();
    long maxMs = max.toMillis();
    // doubling in a loop stops at the cap: no overflow however many failures
    long capped = initialMs;
    for (int i = 1; i < failures && capped < maxMs; i++) {
      capped = Math.min(maxMs, capped * 2);
    }
    capped = Math.min(maxMs, capped);
    long half = capped / 2;
    return Duration.ofMillis(capped - half + (long) (half * random));
  }
}
