package io.flumesentinel.cli;

import io.flumesentinel.alert.LedgerRecord;
import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.NodeDataException;
import io.flumesentinel.protocol.UntrustedText;
import io.flumesentinel.protocol.ZkLayout;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flume-sentinel agents}: every registered agent and how it is doing, read straight from
 * ZooKeeper (agent nodes, live nodes and the alert ledger), so it answers with no monitor running.
 * The nodes are read in a few byte-sized batches ({@link ChildrenSnapshot}). What the nodes hold is
 * untrusted: the agent node is read through {@link AgentNode#parse} (one line, bounded), and every
 * table cell is escaped and cut ({@link TextTable}). Exit status 0, 2 for bad input, 1 when
 * ZooKeeper could not be reached (one line on stderr, stdout empty).
 */
@Command(
    name = "agents",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Lists the registered agents from ZooKeeper: host, group, state (UP, STUCK, HUNG, DOWN),"
          + " since when, crashes, last exit and firing alerts. No monitor needed.",
      "STATE is UP while the agent's live node exists (STUCK or HUNG when its supervisor judged"
          + " it so), DOWN otherwise. FLOW lists the failing flow checks of a running agent, each with"
          + " its component (e.g. FlumeSinkStalled k1)."
    })
public final class AgentsCommand implements Callable<Integer> {

  /** What an agent is doing, as its nodes say. */
  enum State {
    UP,
    STUCK,
    HUNG,
    DOWN
  }

  /**
   * One registered agent.
   *
   * @param node its agent node, {@code null} when that could not be read
   * @param since when the live node was created (UP), the health status began (STUCK, HUNG), or the
   *     last exit was seen (DOWN); {@code null} when unknown
   * @param firing the names of the alerts firing for it in the ledger, sorted
   */
  record Agent(String id, AgentNode node, State state, Instant since, List<String> firing) {

    String host() {
      return node == null ? "" : node.host();
    }

    String group() {
      return node == null ? "" : node.group();
    }

    JsonObject toJson() {
      JsonObject json =
          new JsonObject()
              .put("id", id)
              .put("host", node == null ? null : node.host())
              .put("group", node == null ? null : node.group())
              .put(
                  "labels",
                  node == null ? null : new JsonObject(new TreeMap<String, Object>(node.labels())))
              .put("state", state.name())
              .put("since", since == null ? null : since.toString())
              .put("crashCount", node == null ? 0 : node.crashCount());
      ExitRecord exit = node == null ? null : node.lastExit();
      // The stderr tail stays out: it is for the alert, and may hold more than a listing should.
      json.put(
          "lastExit",
          exit == null
              ? null
              : new JsonObject()
                  .put("code", exit.code())
                  .put("signal", exit.signal())
                  .put("at", exit.at() == null ? null : exit.at().toString()));
      Health health = node == null ? null : node.health();
      json.put(
          "health",
          health == null
              ? null
              : new JsonObject()
                  .put("status", health.status().name())
                  .put("reason", health.reason())
                  .put("since", health.since() == null ? null : health.since().toString())
                  .put("flow", flow(health)));
      return json.put("firing", new JsonArray(new ArrayList<Object>(firing)));
    }
  }

  /**
   * The failing flow checks: check, the alert it raises, component, reason, since and figures (the
   * output lines stay out, as the stderr tail does).
   */
  private static JsonArray flow(Health health) {
    JsonArray verdicts = new JsonArray();
    for (FlowVerdict verdict : health.flow()) {
      verdicts.add(
          new JsonObject()
              .put("check", verdict.check().name())
              .put("alertname", AgentAlerts.FLOW_ALERTS.get(verdict.check()))
              .put("component", verdict.component())
              .put("reason", verdict.reason())
              .put("since", verdict.since() == null ? null : verdict.since().toString())
              .put("figures", new JsonObject(new TreeMap<String, Object>(verdict.figures()))));
    }
    return verdicts;
  }

  /** The failing flow checks in a table cell: {@code FlumeSinkStalled k1,FlumeAgentErrors k1}. */
  private static String flowCell(AgentNode node) {
    if (node == null || node.health() == null || node.health().flow().isEmpty()) {
      return "-";
    }
    List<String> cells = new ArrayList<>();
    for (FlowVerdict verdict : node.health().flow()) {
      cells.add(AgentAlerts.FLOW_ALERTS.get(verdict.check()) + " " + verdict.component());
    }
    return String.join(",", cells);
  }

  @Spec private CommandSpec spec;
  @Mixin private SilenceCommand.ZkOptions zk;

  @Option(names = "--group", paramLabel = "GROUP", description = "Only the agents of this group.")
  private String group;

  @Option(names = "--host", paramLabel = "HOST", description = "Only the agents of this host.")
  private String host;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      split = ",",
      description = "Only the agents in these states: UP, STUCK, HUNG, DOWN (e.g. STUCK,DOWN).")
  private List<String> states = List.of();

  @Option(
      names = "--json",
      description =
          "One JSON array: id, host, group, labels, state, since, crashCount, lastExit, health,"
              + " firing.")
  private boolean json;

  @Override
  public Integer call() throws Exception {
    Set<State> wanted = states(states);
    ZkLayout layout = zk.layout(spec);
    Map<String, Map<String, NodeData>> read;
    try (CommandZooKeeper client = zk.connect(layout)) {
      read =
          ChildrenSnapshot.read(client, List.of(layout.agents(), layout.live(), layout.alerts()));
    }
    List<String> problems = new ArrayList<>();
    List<Agent> agents =
        agents(
                read.get(layout.agents()),
                read.get(layout.live()),
                read.get(layout.alerts()),
                problems)
            .stream()
            .filter(a -> group == null || group.equals(a.group()))
            .filter(a -> host == null || host.equals(a.host()))
            .filter(a -> wanted.contains(a.state()))
            .toList();
    PrintWriter err = spec.commandLine().getErr();
    problems.forEach(problem -> err.println("flume-sentinel: " + problem));
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonArray array = new JsonArray();
      agents.forEach(a -> array.add(a.toJson()));
      out.println(array.encodePrettily());
    } else {
      table(agents).forEach(out::println);
    }
    out.flush();
    return 0;
  }

  private Set<State> states(List<String> names) {
    if (names.isEmpty()) {
      return EnumSet.allOf(State.class);
    }
    Set<State> wanted = EnumSet.noneOf(State.class);
    for (String name : names) {
      try {
        wanted.add(State.valueOf(name.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--state: '" + TextTable.printable(name) + "' is not one of UP, STUCK, HUNG, DOWN");
      }
    }
    return wanted;
  }

  /**
   * The registered agents, by id, from the children of {@code <root>/agents}, {@code <root>/live}
   * and {@code <root>/alerts}; an agent node or a ledger record that cannot be read adds a line to
   * {@code problems} (the agent is still listed, without what its node would say).
   */
  static List<Agent> agents(
      Map<String, NodeData> agentNodes,
      Map<String, NodeData> liveNodes,
      Map<String, NodeData> ledger,
      List<String> problems) {
    Map<String, Set<String>> firing = new HashMap<>();
    ledger.forEach(
        (key, data) -> {
          try {
            Alert alert = LedgerRecord.parse(data.data()).alert();
            if (alert.firing() && alert.agent() != null) {
              firing.computeIfAbsent(alert.agent(), k -> new TreeSet<>()).add(alert.alertname());
            }
          } catch (RuntimeException e) {
            problems.add("ignoring the unreadable alert record " + shown(key));
          }
        });
    List<Agent> agents = new ArrayList<>(agentNodes.size());
    new TreeMap<>(agentNodes)
        .forEach(
            (id, data) -> {
              AgentNode node = null;
              try {
                node = AgentNode.parse(data.data());
              } catch (NodeDataException e) {
                problems.add(
                    "agent "
                        + shown(id)
                        + ": unreadable agent node ("
                        + shown(e.getMessage())
                        + ")");
              }
              NodeData live = liveNodes.get(id);
              agents.add(
                  new Agent(
                      id,
                      node,
                      state(node, live),
                      since(node, live),
                      List.copyOf(firing.getOrDefault(id, Set.of()))));
            });
    return agents;
  }

  private static State state(AgentNode node, NodeData live) {
    if (live == null) {
      return State.DOWN;
    }
    Health health = node == null ? null : node.health();
    if (health == null || !health.status().unhealthy()) {
      return State.UP;
    }
    return health.status() == Health.Status.STUCK ? State.STUCK : State.HUNG;
  }

  private static Instant since(AgentNode node, NodeData live) {
    State state = state(node, live);
    if (state == State.DOWN) {
      return node == null || node.lastExit() == null ? null : node.lastExit().at();
    }
    if (state != State.UP && node.health().since() != null) {
      return node.health().since();
    }
    return live.ctime() > 0 ? Instant.ofEpochMilli(live.ctime()) : null;
  }

  /** The agents as a table, a header first. */
  static List<String> table(List<Agent> agents) {
    List<String[]> rows = new ArrayList<>(agents.size() + 1);
    rows.add(
        new String[] {
          "ID", "HOST", "GROUP", "STATE", "SINCE", "CRASHES", "LAST EXIT", "FLOW", "FIRING"
        });
    for (Agent a : agents) {
      rows.add(
          new String[] {
            a.id(),
            a.host(),
            a.group(),
            a.state().name(),
            a.since() == null ? "-" : a.since().truncatedTo(ChronoUnit.SECONDS).toString(),
            a.node() == null ? "-" : Long.toString(a.node().crashCount()),
            exit(a.node() == null ? null : a.node().lastExit()),
            a.state() == State.DOWN ? "-" : flowCell(a.node()),
            a.firing().isEmpty() ? "-" : String.join(",", a.firing())
          });
    }
    return TextTable.lines(rows, UntrustedText.MAX_VALUE_CHARS);
  }

  private static String exit(ExitRecord exit) {
    if (exit == null) {
      return "-";
    }
    if (exit.signal() != null) {
      return "signal " + exit.signal();
    }
    return exit.code() == null ? "?" : "code " + exit.code();
  }

  /** An untrusted name or message for a line on stderr: escaped and bounded. */
  private static String shown(String text) {
    return UntrustedText.cut(
        TextTable.printable(String.valueOf(text)), UntrustedText.MAX_VALUE_CHARS);
  }
}
