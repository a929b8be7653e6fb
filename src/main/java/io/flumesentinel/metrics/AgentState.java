package io.flumesentinel.metrics;

import io.flumesentinel.protocol.Health;

/**
 * What a registered agent is doing, as its nodes say, as the {@code agents} command shows it: UP
 * while its live node exists (STUCK or HUNG when its supervisor judged it so), DOWN otherwise.
 */
enum AgentState {
  UP,
  STUCK,
  HUNG,
  DOWN;

  /**
   * @param running whether the live node exists
   * @param health the health the agent node carries, {@code null} if none
   */
  static AgentState of(boolean running, Health.Status health) {
    if (!running) {
      return DOWN;
    }
    if (health == null || !health.unhealthy()) {
      return UP;
    }
    return health == Health.Status.STUCK ? STUCK : HUNG;
  }
}
