package io.flumesentinel.cli;

import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.fleet.AgentListing;
import io.flumesentinel.fleet.AgentState;
import io.flumesentinel.fleet.ListedAgent;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.ResourceHealth;
import io.flumesentinel.protocol.UntrustedText;
import io.flumesentinel.protocol.ZkLayout;
import io.vertx.core.json.JsonArray;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * The nodes are read in a few byte-sized batches ({@link ChildrenSnapshot}) and assembled by {@link
 * AgentListing}, as {@code GET /api/agents} assembles them. What the nodes hold is untrusted: the
 * agent node is read through {@code AgentNode.parse} (one line, bounded), and every table cell is
 * escaped and cut ({@link TextTable}). Exit status 0, 2 for bad input, 1 when ZooKeeper could not
 * be reached (one line on stderr, stdout empty).
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
          + " it so), DOWN otherwise. CHECKS lists the failing checks of a running agent: each flow"
          + " check with its component (e.g. FlumeSinkStalled k1), FlumeAgentMemory, FlumeAgentGc."
    })
public final class AgentsCommand implements Callable<Integer> {

  /**
   * The failing checks in a table cell, as the alerts they raise: {@code FlumeSinkStalled
   * k1,FlumeAgentErrors k1,FlumeAgentMemory}.
   */
  private static String checksCell(AgentNode node) {
    List<String> cells = new ArrayList<>();
    if (node != null && node.health() != null) {
      for (FlowVerdict verdict : node.health().flow()) {
        cells.add(AgentAlerts.FLOW_ALERTS.get(verdict.check()) + " " + verdict.component());
      }
    }
    ResourceHealth resources = node == null ? null : node.resources();
    if (resources != null && resources.memory() != null && resources.memory().high()) {
      cells.add(AgentAlerts.AGENT_MEMORY);
    }
    if (resources != null && resources.gc() != null && resources.gc().high()) {
      cells.add(AgentAlerts.AGENT_GC);
    }
    return cells.isEmpty() ? "-" : String.join(",", cells);
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
    Set<AgentState> wanted = states(states);
    ZkLayout layout = zk.layout(spec);
    Map<String, Map<String, NodeData>> read;
    try (CommandZooKeeper client = zk.connect(layout)) {
      read =
          ChildrenSnapshot.read(client, List.of(layout.agents(), layout.live(), layout.alerts()));
    }
    AgentListing.Listing listing =
        AgentListing.of(
            read.get(layout.agents()),
            read.get(layout.live()),
            read.get(layout.alerts()),
            AgentsCommand::shown);
    List<ListedAgent> agents =
        listing.agents().stream()
            .filter(a -> group == null || group.equals(a.group()))
            .filter(a -> host == null || host.equals(a.host()))
            .filter(a -> wanted.contains(a.state()))
            .toList();
    PrintWriter err = spec.commandLine().getErr();
    listing.problems().forEach(problem -> err.println("flume-sentinel: " + problem));
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonArray array = new JsonArray();
      agents.forEach(
          a ->
              array.add(a.toJson().put("firing", new JsonArray(new ArrayList<>(a.firingNames())))));
      out.println(array.encodePrettily());
    } else {
      table(agents).forEach(out::println);
    }
    out.flush();
    return 0;
  }

  private Set<AgentState> states(List<String> names) {
    if (names.isEmpty()) {
      return EnumSet.allOf(AgentState.class);
    }
    Set<AgentState> wanted = EnumSet.noneOf(AgentState.class);
    for (String name : names) {
      try {
        wanted.add(AgentState.valueOf(name.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--state: '" + TextTable.printable(name) + "' is not one of UP, STUCK, HUNG, DOWN");
      }
    }
    return wanted;
  }

  /** The agents as a table, a header first. */
  static List<String> table(List<ListedAgent> agents) {
    List<String[]> rows = new ArrayList<>(agents.size() + 1);
    rows.add(
        new String[] {
          "ID", "HOST", "GROUP", "STATE", "SINCE", "CRASHES", "LAST EXIT", "CHECKS", "FIRING"
        });
    for (ListedAgent a : agents) {
      rows.add(
          new String[] {
            a.id(),
            a.host(),
            a.group(),
            a.state().name(),
            a.since() == null ? "-" : a.since().truncatedTo(ChronoUnit.SECONDS).toString(),
            a.node() == null ? "-" : Long.toString(a.node().crashCount()),
            exit(a.node() == null ? null : a.node().lastExit()),
            a.state() == AgentState.DOWN ? "-" : checksCell(a.node()),
            a.firing().isEmpty() ? "-" : String.join(",", a.firingNames())
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
