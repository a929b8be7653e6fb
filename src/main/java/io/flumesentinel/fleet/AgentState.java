package io.flumesentinel.fleet;

/** What an agent is doing, as its nodes say. */
public enum AgentState {
  /** Its live node exists and its supervisor judged it healthy (or did not judge it). */
  UP,
  /** Its live node exists and its supervisor recorded it as stuck. */
  STUCK,
  /** Its live node exists and its supervisor recorded it as hung. */
  HUNG,
  /** It has no live node: not running. */
  DOWN
}
