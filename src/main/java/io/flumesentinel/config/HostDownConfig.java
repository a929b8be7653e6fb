package io.flumesentinel.config;

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
}
