package io.flumesentinel.config;

import java.time.Duration;

/**
 * Exponential back-off between delivery attempts: {@code initial × multiplier^n}, capped at {@code
 * max}, each delay spread by ±{@code jitter} (a fraction), and back to {@code initial} after a
 * success.
 */
public record BackoffConfig(Duration initial, Duration max, double multiplier, double jitter) {

  public static BackoffConfig defaults() {
    return new BackoffConfig(Duration.ofMillis(200), Duration.ofSeconds(30), 2.0, 0.2);
  }
}
