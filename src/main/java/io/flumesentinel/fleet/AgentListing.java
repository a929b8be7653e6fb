package io.flumesentinel.fleet;

import io.flumesentinel.alert.LedgerRecord;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.NodeDataException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The registered agents and how each is doing, assembled from the children of {@code
 * <root>/agents}, {@code <root>/live} and {@code <root>/alerts} as read from ZooKeeper: the one
 * assembly behind both {@code flume-sentinel agents} and {@code GET /api/agents}, so the two never
 * disagree. Pure: no I/O, no clock.
 *
 * <p>An agent is {@link AgentState#UP} while its live node exists ({@code STUCK} or {@code HUNG}
 * when its supervisor recorded that health in the agent node) and {@link AgentState#DOWN}
 * otherwise. What the nodes hold is untrusted: the agent node is read through {@link
 * AgentNode#parse} (one line per value, bounded); a node or a record that cannot be read is named
 * in the problems handed back (raw: the caller escapes them for where it shows them), and the agent
 * is still listed, without what its node would say.
 */
public final class AgentListing {

  /**
   * @param agents by id
   * @param problems one line per node or record that could not be read; their names are untrusted
   */
  public record Listing(List<ListedAgent> agents, List<String> problems) {
    public Listing {
      agents = List.copyOf(agents);
      problems = List.copyOf(problems);
    }
  }

  private AgentListing() {}

  /**
   * The agents of {@code agentNodes}, by id, with their live nodes and the ledger's records.
   *
   * @param shown how a name or message read from ZooKeeper is written into a problem line (escaped
   *     and cut for where the problems are shown)
   */
  public static Listing of(
      Map<String, NodeData> agentNodes,
      Map<String, NodeData> liveNodes,
      Map<String, NodeData> ledger,
      UnaryOperator<String> shown) {
    List<String> problems = new ArrayList<>();
    Map<String, List<Alert>> firing = new HashMap<>();
    ledger.forEach(
        (key, data) -> {
          try {
            Alert alert = LedgerRecord.parse(data.data()).alert();
            if (alert.firing() && alert.agent() != null) {
              firing.computeIfAbsent(alert.agent(), k -> new ArrayList<>()).add(alert);
            }
          } catch (RuntimeException e) {
            problems.add("ignoring the unreadable alert record " + shown.apply(key));
          }
        });
    List<ListedAgent> agents = new ArrayList<>(agentNodes.size());
    new TreeMap<>(agentNodes)
        .forEach(
            (id, data) -> {
              AgentNode node = null;
              try {
                node = AgentNode.parse(data.data());
              } catch (NodeDataException e) {
                problems.add(
                    "agent "
                        + shown.apply(id)
                        + ": unreadable agent node ("
                        + shown.apply(String.valueOf(e.getMessage()))
                        + ")");
              }
              NodeData live = liveNodes.get(id);
              List<Alert> alerts = new ArrayList<>(firing.getOrDefault(id, List.of()));
              alerts.sort(Comparator.comparing(Alert::alertname));
              agents.add(new ListedAgent(id, node, state(node, live), since(node, live), alerts));
            });
    return new Listing(agents, problems);
  }

  private static AgentState state(AgentNode node, NodeData live) {
    if (live == null) {
      return AgentState.DOWN;
    }
    Health health = node == null ? null : node.health();
    if (health == null || !health.status().unhealthy()) {
      return AgentState.UP;
    }
    return health.status() == Health.Status.STUCK ? AgentState.STUCK : AgentState.HUNG;
  }

  private static Instant since(AgentNode node, NodeData live) {
    AgentState state = state(node, live);
    if (state == AgentState.DOWN) {
      return node == null || node.lastExit() == null ? null : node.lastExit().at();
    }
    if (state != AgentState.UP && node.health().since() != null) {
      return node.health().since();
    }
    return live.ctime() > 0 ? Instant.ofEpochMilli(live.ctime()) : null;
  }
}
