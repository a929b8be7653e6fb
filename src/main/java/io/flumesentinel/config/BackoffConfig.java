package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
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

  /**
   * A receiver's {@code backoff} section: {@code initial}, {@code max} (at least {@code initial};
   * when omitted, the default or {@code initial} if that is larger), {@code multiplier} (1 to 100)
   * and {@code jitter} (at least 0 and below 1).
   */
  @JsonCreator
  static BackoffConfig read(
      @JsonProperty("initial") Duration initial,
      @JsonProperty("initialMs") Milliseconds initialMs,
      @JsonProperty("max") Duration max,
      @JsonProperty("maxMs") Milliseconds maxMs,
      @JsonProperty("multiplier") Double multiplier,
      @JsonProperty("jitter") Double jitter) {
    BackoffConfig defaults = defaults();
    DurationKey.Written first =
        DurationKey.BACKOFF_INITIAL.read(initial, initialMs, defaults.initial);
    // A large initial delay with max omitted means "no growth", not an error about a
    // key never written.
    Duration maxDefault = first.value().compareTo(defaults.max) > 0 ? first.value() : defaults.max;
    DurationKey.Written last = DurationKey.BACKOFF_MAX.read(max, maxMs, maxDefault);
    last.atLeast(first);
    double factor = multiplier == null ? defaults.multiplier : multiplier;
    if (!(factor >= 1.0 && factor <= 100.0)) {
      throw new ConfigException("multiplier", "must be between 1.0 and 100.0, got " + factor);
    }
    double spread = jitter == null ? defaults.jitter : jitter;
    if (!(spread >= 0.0 && spread < 1.0)) {
      throw new ConfigException("jitter", "must be at least 0 and below 1, got " + spread);
    }
    return new BackoffConfig(first.value(), last.value(), factor, spread);
  }
}
