package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Group roll-up: when fewer than {@code healthyBelow} of the registered agents of one group are
 * healthy, one {@code FlumeGroupDegraded} alert fires and holds back the agents' own notices while
 * it fires.
 *
 * @param enabled off by default: every agent is reported on its own
 * @param healthyBelow the share of healthy agents (above 0, at most 1) under which the group is
 *     degraded; the group alert resolves when the share is back at or above it
 * @param minAgents groups with fewer registered agents are never rolled up
 * @param holdFor how long an agent's notice waits before it is sent, so that, if its group degrades
 *     meanwhile, only the group alert goes out; also the least time between two updates of the
 *     group alert's list of agents (at least one second)
 */
public record GroupDegradedConfig(
    boolean enabled, double healthyBelow, int minAgents, Duration holdFor) {

  private static final Duration MAX_HOLD = Duration.ofMinutes(10);

  public static GroupDegradedConfig defaults() {
    return new GroupDegradedConfig(false, 0.5, 3, Duration.ofSeconds(10));
  }

  /**
   * The {@code groupDegraded} section: {@code enabled}, {@code healthyBelow}, {@code minAgents} and
   * {@code holdFor}. Writing the section turns it on unless it says {@code enabled: false}.
   */
  @JsonCreator
  static GroupDegradedConfig read(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("healthyBelow") Double healthyBelow,
      @JsonProperty("minAgents") Long minAgents,
      @JsonProperty("holdFor") Duration holdFor) {
    GroupDegradedConfig defaults = defaults();
    double share = healthyBelow == null ? defaults.healthyBelow : healthyBelow;
    if (!(share > 0.0 && share <= 1.0)) {
      throw new ConfigException(
          "healthyBelow", "must be a share above 0 and at most 1 (0.5 is half), got " + share);
    }
    return new GroupDegradedConfig(
        enabled == null || enabled,
        share,
        minAgents == null
            ? defaults.minAgents
            : (int) ConfigChecks.inRange("minAgents", minAgents, 2, 1_000_000),
        holdFor == null
            ? defaults.holdFor
            : DurationKey.inRange("holdFor", holdFor, Duration.ZERO, MAX_HOLD));
  }
}
