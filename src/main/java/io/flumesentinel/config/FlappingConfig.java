package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Flap detection: an agent that goes down more than {@code maxDowns} times within {@code window} is
 * reported once as flapping instead of once per crash.
 *
 * @param enabled {@code false}: every down and recovery is reported as it happens
 * @param maxDowns the downs within {@code window} that are still reported one by one; the next one
 *     makes the agent flapping
 * @param window how far back downs are counted
 * @param stableFor how long an agent must go without going down or coming back for its flapping to
 *     end; if it is down then, its own down alert fires
 */
public record FlappingConfig(boolean enabled, int maxDowns, Duration window, Duration stableFor) {

  public static FlappingConfig defaults() {
    return new FlappingConfig(true, 3, Duration.ofMinutes(10), Duration.ofMinutes(10));
  }

  public static FlappingConfig disabled() {
    FlappingConfig defaults = defaults();
    return new FlappingConfig(false, defaults.maxDowns, defaults.window, defaults.stableFor);
  }

  /**
   * The {@code flapping} section: {@code enabled}, {@code maxDowns}, {@code within} (the window)
   * and {@code stableFor}.
   */
  @JsonCreator
  static FlappingConfig read(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("maxDowns") Long maxDowns,
      @JsonProperty("within") Duration within,
      @JsonProperty("windowMs") Milliseconds windowMs,
      @JsonProperty("stableFor") Duration stableFor,
      @JsonProperty("stableForMs") Milliseconds stableForMs) {
    FlappingConfig defaults = defaults();
    return new FlappingConfig(
        enabled == null ? defaults.enabled : enabled,
        maxDowns == null
            ? defaults.maxDowns
            : (int) ConfigChecks.inRange("maxDowns", maxDowns, 1, 1_000),
        DurationKey.FLAPPING_WINDOW.read(within, windowMs, defaults.window).value(),
        DurationKey.STABLE_FOR.read(stableFor, stableForMs, defaults.stableFor).value());
  }
}
