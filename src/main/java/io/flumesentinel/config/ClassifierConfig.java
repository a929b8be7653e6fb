package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * @param grace how long a SESSION_LOST waits for the live node to come back before it fires (0: at
 *     once)
 * @param startTimeout how long a newly registered agent may go without a live node before
 *     NOT_RUNNING fires
 */
public record ClassifierConfig(Duration grace, Duration startTimeout) {

  public static ClassifierConfig defaults() {
    return new ClassifierConfig(Duration.ZERO, Duration.ofSeconds(60));
  }

  /** The {@code classifier} section: {@code grace} and {@code startTimeout}. */
  @JsonCreator
  static ClassifierConfig read(
      @JsonProperty("grace") Duration grace,
      @JsonProperty("graceMs") Milliseconds graceMs,
      @JsonProperty("startTimeout") Duration startTimeout,
      @JsonProperty("startTimeoutMs") Milliseconds startTimeoutMs) {
    ClassifierConfig defaults = defaults();
    return new ClassifierConfig(
        DurationKey.GRACE.read(grace, graceMs, defaults.grace).value(),
        DurationKey.START_TIMEOUT
            .read(startTimeout, startTimeoutMs, defaults.startTimeout)
            .value());
  }
}
