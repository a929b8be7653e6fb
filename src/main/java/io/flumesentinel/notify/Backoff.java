package io.flumesentinel.notify;

import io.flumesentinel.config.BackoffConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The delays between failed delivery rounds: {@code initial × multiplier^n}, capped at {@code max},
 * each spread by ±{@code jitter} (a fraction of the delay) so that many notifiers recovering
 * together do not hit a receiver in step, and back to {@code initial} after {@link #reset()}.
 *
 * <p>Guarantees: a delay is never negative and never above {@code max}, jitter included. Pure and
 * not thread-safe: one instance belongs to one notifier and is used from its context only.
 */
public final class Backoff {

  private final double initialNanos;
  private final double maxNanos;
  private final double multiplier;
  private final double jitter;
  private final RandomGenerator random;
  private double baseNanos;

  /**
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public Backoff(BackoffConfig config, RandomGenerator random) {
    Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    require(
        config.initial() != null && !config.initial().isNegative(),
        "backoff.initial must be zero or more");
    require(
        config.max() != null && config.max().compareTo(config.initial()) >= 0,
        "backoff.max must be at least backoff.initial");
    require(config.multiplier() >= 1.0, "backoff.multiplier must be at least 1");
    require(
        config.jitter() >= 0.0 && config.jitter() <= 1.0, "backoff.jitter must be between 0 and 1");
    this.initialNanos = config.initial().toNanos();
    this.maxNanos = config.max().toNanos();
    this.multiplier = config.multiplier();
    this.jitter = config.jitter();
    this.baseNanos = initialNanos;
  }

  public Backoff(BackoffConfig config) {
    this(config, RandomGenerator.getDefault());
  }

  /** The delay before the next round, and one step further along the exponential curve. */
  public Duration nextDelay() {
    double base = baseNanos;
    // Grow in double and clamp at once: the exponent never overflows, however long
    // the outage lasts.
    baseNanos = Math.min(maxNanos, baseNanos * multiplier);
    double spread = base * jitter * (2.0 * random.nextDouble() - 1.0);
    double delay = Math.max(0.0, Math.min(maxNanos, base + spread));
    return Duration.ofNanos((long) delay);
  }

  /** Back to the initial delay; called after a success. */
  public void reset() {
    baseNanos = initialNanos;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
