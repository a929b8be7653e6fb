package io.flumesentinel.appender;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Which agent the next batch goes to: ordered failover, one active agent at a time.
 *
 * <p>The active agent keeps every batch while it accepts them. When it fails, it waits out its
 * {@link Backoff} and the failed batch goes first to the next agent in the list (after the last,
 * the first), which becomes the active agent once chosen; it stays active after the failed one is
 * back, so batches never alternate between agents. A success resets that agent's back-off. An agent
 * is never tried before its back-off ends; when every agent is waiting, the answer is how long.
 *
 * <p>Pure and not thread-safe: it belongs to the sender thread; time (milliseconds on any monotonic
 * scale) and the jitter's random numbers are arguments.
 */
public final class Failover {

  /** What to do with the next batch. */
  public sealed interface Choice {}

  /**
   * Send to {@code agent}.
   *
   * @param switched the agent was not the active one: the batch moves to another agent
   */
  public record Send(AgentAddress agent, boolean switched) implements Choice {}

  /** Every known agent is backing off; the earliest may be tried at {@code untilMillis}. */
  public record Wait(long untilMillis) implements Choice {}

  /** No agent is known. */
  public record NoAgent() implements Choice {}

  private static final class AgentState {
    int failures;
    long retryAt;
  }

  private final Backoff backoff;
  private final DoubleSupplier random;
  private List<AgentAddress> agents = List.of();
  private final Map<String, AgentState> states = new HashMap<>();
  private String active;

  public Failover(Backoff backoff, DoubleSupplier random) {
    this.backoff = backoff;
    this.random = random;
  }

  /**
   * The agents in order of preference. An agent listed twice (same host and port) counts once; the
   * back-off of an agent that stays is kept, and the active agent stays active if still listed.
   */
  public void setAgents(List<AgentAddress> list) {
    Map<String, AgentAddress> unique = new LinkedHashMap<>();
    for (AgentAddress agent : list) {
      unique.putIfAbsent(agent.endpoint(), agent);
    }
    agents = List.copyOf(unique.values());
    states.keySet().retainAll(unique.keySet());
    for (String endpoint : unique.keySet()) {
      states.computeIfAbsent(endpoint, e -> new AgentState());
    }
    if (active != null && !unique.containsKey(active)) {
      active = null;
    }
  }

  public List<AgentAddress> agents() {
    return agents;
  }

  /** The active agent's {@code host:port}, or {@code null} before the first choice. */
  public String active() {
    return active;
  }

  public Choice choose(long nowMillis) {
    if (agents.isEmpty()) {
      return new NoAgent();
    }
    int activeIndex = indexOf(active);
    if (activeIndex >= 0 && states.get(active).retryAt <= nowMillis) {
      return new Send(agents.get(activeIndex), false);
    }
    int start = activeIndex < 0 ? 0 : activeIndex + 1;
    long earliest = Long.MAX_VALUE;
    for (int i = 0; i < agents.size(); i++) {
      AgentAddress candidate = agents.get((start + i) % agents.size());
      AgentState state = states.get(candidate.endpoint());
      if (state.retryAt <= nowMillis) {
        boolean switched = active != null;
        active = candidate.endpoint();
        return new Send(candidate, switched);
      }
      earliest = Math.min(earliest, state.retryAt);
    }
    return new Wait(earliest);
  }

  /** {@code agent} did not take a batch at {@code nowMillis}: it backs off. */
  public void failed(AgentAddress agent, long nowMillis) {
    AgentState state = states.get(agent.endpoint());
    if (state == null) {
      return; // dropped from the list meanwhile
    }
    state.failures++;
    state.retryAt = nowMillis + backoff.delay(state.failures, random.getAsDouble()).toMillis();
  }

  /** {@code agent} took a batch: its back-off starts over. */
  public void succeeded(AgentAddress agent) {
    AgentState state = states.get(agent.endpoint());
    if (state != null) {
      state.failures = 0;
      state.retryAt = 0;
    }
  }

  /** Failures in a row of the agent at {@code endpoint}, 0 when unknown. */
  public int failures(String endpoint) {
    AgentState state = states.get(endpoint);
    return state == null ? 0 : state.failures;
  }

  /** The agents' endpoints, for display. */
  public List<String> endpoints() {
    List<String> list = new ArrayList<>();
    for (AgentAddress agent : agents) {
      list.add(agent.endpoint());
    }
    return list;
  }

  private int indexOf(String endpoint) {
    if (endpoint == null) {
      return -1;
    }
    for (int i = 0; i < agents.size(); i++) {
      if (agents.get(i).endpoint().equals(endpoint)) {
        return i;
      }
    }
    return -1;
  }
}
