package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How many requests one client address may make: a token bucket per address that holds {@code
 * burst} requests and refills at {@code perSecond}. {@code /health/*} is not limited.
 *
 * @param enabled {@code false}: no limit
 */
public record HttpRateLimitConfig(boolean enabled, double perSecond, int burst) {

  public static HttpRateLimitConfig defaults() {
    return new HttpRateLimitConfig(true, 20, 60);
  }

  public static HttpRateLimitConfig off() {
    return new HttpRateLimitConfig(false, 20, 60);
  }

  /** {@code rateLimit: false} or {@code true}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static HttpRateLimitConfig read(boolean enabled) {
    return enabled ? defaults() : off();
  }

  /** {@code rateLimit: { enabled, perSecond, burst }}. */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  static HttpRateLimitConfig read(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("perSecond") Double perSecond,
      @JsonProperty("burst") Long burst) {
    HttpRateLimitConfig defaults = defaults();
    double rate = perSecond == null ? defaults.perSecond : perSecond;
    if (!(rate >= 0.01 && rate <= 100_000)) {
      throw new ConfigException("perSecond", "must be between 0.01 and 100000, got " + rate);
    }
    int size =
        burst == null ? defaults.burst : (int) ConfigChecks.inRange("burst", burst, 1, 1_000_000);
    return new HttpRateLimitConfig(enabled == null || enabled, rate, size);
  }
}
