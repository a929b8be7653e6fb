package io.flumesentinel.metrics;

import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.Health;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registered agents counted by group and {@link AgentState}, kept current from the watch's
 * snapshot and changes: each change costs one update, never a pass over the fleet, so a scrape of
 * 100,000 agents reads a few counters. Only the group and the health status of an agent node are
 * read, and nothing is logged about it (the classifier reports bad nodes); a node that cannot be
 * read, or is over {@link AgentNode#MAX_BYTES}, counts in the group {@value #UNREADABLE}. Groups
 * are bounded label values ({@link LabelValues}).
 *
 * <p>Changed from one thread at a time (the metrics' worker), read from any.
 */
final class AgentCounts {

  /** The group of an agent whose node cannot be read. */
  static final String UNREADABLE = "unreadable";

  /** What is known of one agent. */
  private record Agent(boolean registered, String group, Health.Status health, boolean running) {

    AgentState state() {
      return AgentState.of(running, health);
    }
  }

  private record Key(String group, AgentState state) {}

  private final LabelValues groups;
  private final Map<String, Agent> agents = new HashMap<>();
  private final Map<Key, Integer> counts = new HashMap<>();

  AgentCounts(LabelValues groups) {
    this.groups = groups;
  }

  /** Starts again from what the watch loaded. */
  synchronized void load(WatchSnapshot snapshot) {
    agents.clear();
    counts.clear();
    snapshot.agents().forEach((id, data) -> agents.put(id, registered(data, false)));
    snapshot
        .live()
        .forEach(
            (id, data) ->
                agents.merge(id, unregisteredLive(), (agent, live) -> withRunning(agent, true)));
    agents.values().forEach(agent -> count(agent, 1));
  }

  /** Follows one change of an agent or live node. */
  synchronized void changed(NodeChange change) {
    Agent before = agents.get(change.agentId());
    boolean running = before != null && before.running();
    Agent after;
    if (change.kind() == NodeChange.Kind.AGENT) {
      after = change.after() == null ? null : registered(change.after(), running);
      if (after == null && running) {
        after = unregisteredLive();
      }
    } else if (change.after() == null) {
      after = before == null || !before.registered() ? null : withRunning(before, false);
    } else {
      after = before == null ? unregisteredLive() : withRunning(before, true);
    }
    if (before != null) {
      count(before, -1);
    }
    if (after == null) {
      agents.remove(change.agentId());
    } else {
      agents.put(change.agentId(), after);
      count(after, 1);
    }
  }

  /**
   * The registered agents by group label, then state; every state of every group seen so far, zeros
   * included, so that a series stays until the monitor stops.
   */
  synchronized Map<String, Map<AgentState, Integer>> byGroup() {
    Map<String, Map<AgentState, Integer>> out = new TreeMap<>();
    for (String group : groups.taken()) {
      out.put(group, zeros());
    }
    counts.forEach(
        (key, count) -> out.computeIfAbsent(key.group(), g -> zeros()).put(key.state(), count));
    return out;
  }

  private static Map<AgentState, Integer> zeros() {
    Map<AgentState, Integer> zeros = new EnumMap<>(AgentState.class);
    for (AgentState state : AgentState.values()) {
      zeros.put(state, 0);
    }
    return zeros;
  }

  private void count(Agent agent, int by) {
    if (agent.registered()) {
      counts.merge(new Key(agent.group(), agent.state()), by, Integer::sum);
    }
  }

  private static Agent withRunning(Agent agent, boolean running) {
    return new Agent(agent.registered(), agent.group(), agent.health(), running);
  }

  /** A live node without an agent node: not counted until it registers. */
  private static Agent unregisteredLive() {
    return new Agent(false, null, null, true);
  }

  private Agent registered(NodeData data, boolean running) {
    String group = UNREADABLE;
    Health.Status health = null;
    if (data.data().length <= AgentNode.MAX_BYTES) {
      try {
        JsonObject json = new JsonObject(Buffer.buffer(data.data()));
        group = json.getValue("group") instanceof String named ? named : AgentNode.DEFAULT_GROUP;
        if (group.isBlank()) {
          group = AgentNode.DEFAULT_GROUP;
        }
        health = healthStatus(json.getValue("health"));
      } catch (RuntimeException e) {
        group = UNREADABLE;
      }
    }
    return new Agent(true, groups.of(group), health, running);
  }

  /**
   * The status of a health object; {@code null} when absent or garbled, as the classifier reads it.
   */
  private static Health.Status healthStatus(Object health) {
    if (health instanceof JsonObject object && object.getValue("status") instanceof String status) {
      try {
        return Health.Status.valueOf(status.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }
}
