package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Host-level inhibition: when {@code minAgents} agents of one host go down within {@code window},
 * one {@code FlumeHostDown} alert fires and holds back the agents' own down alerts while it fires.
 *
 * @param enabled off by default: every agent is reported on its own
 * @param minAgents agents of one host down within {@code window} that make the host down; the host
 *     alert resolves when fewer than this many are down
 * @param window how close together the downs must come; also the least time between two updates of
 *     the host alert's list of agents
 */
public record HostDownConfig(boolean enabled, int minAgents, Duration window) {

  public static HostDownConfig defaults() {
    return new HostDownConfig(false, 5, Duration.ofSeconds(30));
  }

  /**
   * The {@code hostDown} section: {@code enabled}, {@code minAgents} and {@code within} (the
   * window). Writing the section turns it on unless it says {@code enabled: false}.
   */
  @JsonCreator
  static HostDownConfig read(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("minAgents") Long minAgents,
      @JsonProperty("within") Duration within,
      @JsonProperty("windowMs") Milliseconds windowMs) {
    HostDownConfig defaults = defaults();
    return new HostDownConfig(
        enabled == null || enabled,
        minAgents == null
            ? defaults.minAgents
            : (int) ConfigChecks.inRange("minAgents", minAgents, 2, 100_000),
        DurationKey.HOST_DOWN_WINDOW.read(within, windowMs, defaults.window).value());
  }
}
