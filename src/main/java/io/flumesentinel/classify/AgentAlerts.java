package io.flumesentinel.classify;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Ending;
import io.flumesentinel.event.Reason;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.ResourceHealth;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** Builds the alerts about one agent: labels from its node, annotations that say what happened. */
public final class AgentAlerts {

  /** The alert name of "the agent is not running when it should be". */
  public static final String AGENT_DOWN = "FlumeAgentDown";

  /** The alert name of "the agent runs but does not work" (its health is STUCK or HUNG). */
  public static final String AGENT_STUCK = "FlumeAgentStuck";

  /** The alert name of "the agent's heap, resident memory or file descriptors stay high". */
  public static final String AGENT_MEMORY = "FlumeAgentMemory";

  /** The alert name of "the agent's JVM spends much of its time collecting garbage". */
  public static final String AGENT_GC = "FlumeAgentGc";

  /** The alert names of the flow checks, by check. */
  public static final Map<FlowVerdict.Check, String> FLOW_ALERTS =
      Map.of(
          FlowVerdict.Check.SOURCE_IDLE, "FlumeSourceIdle",
          FlowVerdict.Check.SINK_STALLED, "FlumeSinkStalled",
          FlowVerdict.Check.CHANNEL_FILLING, "FlumeChannelFilling",
          FlowVerdict.Check.AGENT_ERRORS, "FlumeAgentErrors");

  private static final Set<String> RESERVED =
      Set.of(Alert.ALERTNAME, Alert.AGENT, "host", "group", "severity", Alert.COMPONENT);

  /** Stands for an agent node that could not be read: no host, no group, no labels. */
  private static final AgentNode UNREADABLE = new AgentNode(null, null, Map.of(), null, 0, null);

  private final String externalUrl;

  /**
   * @param externalUrl the monitor's address as operators reach it (its dashboard); each alert
   *     links to its agent's page there ({@code <externalUrl>/#/agents/<id>}); empty: no link
   */
  public AgentAlerts(String externalUrl) {
    this.externalUrl = externalUrl == null ? "" : externalUrl;
  }

  /** The agent's page on the dashboard, or empty when the monitor's address is unknown. */
  String generatorUrl(String agentId) {
    if (externalUrl.isEmpty()) {
      return "";
    }
    String base =
        externalUrl.endsWith("/")
            ? externalUrl.substring(0, externalUrl.length() - 1)
            : externalUrl;
    return base + "/#/agents/" + URLEncoder.encode(agentId, StandardCharsets.UTF_8);
  }

  /**
   * A firing agent-down alert.
   *
   * @param agent the agent node, or {@code null} when its data could not be read
   * @param nodeProblem why the agent node could not be read, or {@code null}
   */
  public Alert down(
      String agentId, AgentNode agent, String nodeProblem, Reason reason, Instant startsAt) {
    AgentNode known = agent != null ? agent : UNREADABLE;
    SortedMap<String, String> labels = labels(AGENT_DOWN, agentId, known, reason);

    SortedMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", reason.name());
    ExitRecord exit = reason == Reason.CRASHED ? known.lastExit() : null;
    annotations.put("summary", summary(agentId, known.host(), reason, exit));
    annotations.put("description", description(reason));
    if (exit != null) {
      if (exit.code() != null) {
        annotations.put("exitCode", Integer.toString(exit.code()));
      }
      if (exit.signal() != null) {
        annotations.put("signal", exit.signal());
      }
      if (!exit.stderrTail().isEmpty()) {
        annotations.put("stderrTail", exit.stderrTail());
      }
      if (exit.at() != null) {
        annotations.put("exitedAt", exit.at().toString());
      }
      if (exit.pid() != null) {
        annotations.put("pid", Long.toString(exit.pid()));
      }
      if (exit.ranFor() != null) {
        annotations.put("ranForMs", Long.toString(exit.ranFor().toMillis()));
      }
      if (exit.restartIn() != null) {
        annotations.put("restartInMs", Long.toString(exit.restartIn().toMillis()));
      }
      if (exit.gaveUp() != null) {
        annotations.put("gaveUp", exit.gaveUp());
      }
      if (exit.restartReason() != null) {
        annotations.put("restartReason", "restarted by the supervisor: " + exit.restartReason());
        annotations.put(
            "description",
            "The supervisor ended the agent's process itself to start it again: "
                + exit.restartReason()
                + ".");
      }
    }
    if (known.crashCount() > 0) {
      annotations.put("crashCount", Long.toString(known.crashCount()));
    }
    if (nodeProblem != null) {
      annotations.put("nodeDataError", nodeProblem);
    }
    return new Alert(
        Alert.Status.FIRING, labels, annotations, startsAt, null, generatorUrl(agentId));
  }

  /**
   * A firing health alert ({@link #AGENT_STUCK}): labels like the down alert's, {@code reason}
   * STUCK or HUNG, and what the supervisor measured as further annotations.
   */
  public Alert stuck(String agentId, AgentNode agent, Health health, Instant startsAt) {
    Reason reason = health.status() == Health.Status.HUNG ? Reason.HUNG : Reason.STUCK;
    SortedMap<String, String> annotations = new TreeMap<>(health.details());
    annotations.put("reason", reason.name());
    annotations.put("summary", summary(agentId, agent.host(), reason, null));
    annotations.put(
        "description",
        health.reason().isEmpty()
            ? description(reason)
            : health.reason() + ". " + description(reason));
    if (health.since() != null) {
      annotations.put("since", health.since().toString());
    }
    return new Alert(
        Alert.Status.FIRING,
        labels(AGENT_STUCK, agentId, agent, reason),
        annotations,
        startsAt,
        null,
        generatorUrl(agentId));
  }

  /**
   * A firing resource alert ({@link #AGENT_MEMORY} or {@link #AGENT_GC}): labels like the down
   * alert's, {@code reason} MEMORY or GC, and the figures the supervisor measured as further
   * annotations.
   */
  public Alert resource(
      String alertname,
      String agentId,
      AgentNode agent,
      ResourceHealth.Verdict verdict,
      Instant startsAt) {
    Reason reason = AGENT_GC.equals(alertname) ? Reason.GC : Reason.MEMORY;
    SortedMap<String, String> annotations = new TreeMap<>(verdict.details());
    annotations.put("reason", reason.name());
    annotations.put("summary", summary(agentId, agent.host(), reason, null));
    annotations.put(
        "description",
        verdict.reason().isEmpty()
            ? description(reason)
            : verdict.reason() + ". " + description(reason));
    if (verdict.since() != null) {
      annotations.put("since", verdict.since().toString());
    }
    return new Alert(
        Alert.Status.FIRING,
        labels(alertname, agentId, agent, reason),
        annotations,
        startsAt,
        null,
        generatorUrl(agentId));
  }

  /**
   * A firing flow-check alert ({@link #FLOW_ALERTS}) about one component: labels like the stuck
   * alert's plus {@code component}; annotations the verdict's figures, {@code reason} (the check),
   * {@code summary}, {@code description}, {@code since}, and {@code errorLines} (the component's
   * last ERROR and WARN lines, one per line) when there are any.
   */
  public Alert flow(String agentId, AgentNode agent, FlowVerdict verdict, Instant startsAt) {
    SortedMap<String, String> labels =
        labels(FLOW_ALERTS.get(verdict.check()), agentId, agent, Reason.STUCK);
    labels.put(Alert.COMPONENT, verdict.component());
    SortedMap<String, String> annotations = new TreeMap<>(verdict.figures());
    annotations.put("reason", verdict.check().name());
    annotations.put(
        "summary", "Flume agent " + agentId + " on " + agent.host() + ": " + verdict.reason());
    annotations.put("description", flowDescription(verdict.check()));
    if (verdict.since() != null) {
      annotations.put("since", verdict.since().toString());
    }
    if (!verdict.lines().isEmpty()) {
      annotations.put("errorLines", String.join("\n", verdict.lines()));
    }
    return new Alert(
        Alert.Status.FIRING, labels, annotations, startsAt, null, generatorUrl(agentId));
  }

  private static String flowDescription(FlowVerdict.Check check) {
    return switch (check) {
      case SOURCE_IDLE -> "A source expected to receive events has received none.";
      case SINK_STALLED ->
          "A sink delivers nothing while events wait in its channel: its destination is down or refuses them.";
      case CHANNEL_FILLING ->
          "A channel fills faster than it drains: at this rate it is full at predictedFullAt, and then its sources fail.";
      case AGENT_ERRORS -> "A component's error counters rose: it fails to read, write or connect.";
    };
  }

  private static SortedMap<String, String> labels(
      String alertname, String agentId, AgentNode known, Reason reason) {
    SortedMap<String, String> labels = new TreeMap<>();
    known
        .labels()
        .forEach(
            (k, v) -> {
              if (!RESERVED.contains(k)) {
                labels.put(k, v);
              }
            });
    labels.put(Alert.ALERTNAME, alertname);
    labels.put(Alert.AGENT, agentId);
    labels.put("host", known.host());
    labels.put("group", known.group());
    labels.put("severity", reason.severity());
    return labels;
  }

  /**
   * The resolved form of {@code firing}, saying how it ended ({@link Reason#RECOVERED}, {@link
   * Reason#STOPPED}, {@link Reason#DOWN}) and after how long ({@link Ending}).
   */
  public Alert resolved(Alert firing, Reason how, Instant at) {
    return resolved(firing, how, at, null);
  }

  /**
   * As {@link #resolved(Alert, Reason, Instant)}, naming the process of the agent's new run.
   *
   * @param runningPid the new run's process, or {@code null} when unknown
   */
  public Alert resolved(Alert firing, Reason how, Instant at, Long runningPid) {
    return Ending.resolve(
        firing,
        how.name(),
        at,
        runningPid == null ? Map.of() : Map.of(Ending.RUNNING_PID, Long.toString(runningPid)));
  }

  private static String summary(String agentId, String host, Reason reason, ExitRecord exit) {
    String who = "Flume agent " + agentId + " on " + host;
    if (reason == Reason.CRASHED && exit != null && exit.restartReason() != null) {
      return who + " was restarted by its supervisor: " + exit.restartReason();
    }
    return switch (reason) {
      case CRASHED -> who + " crashed" + exitText(exit) + nextText(exit);
      case SESSION_LOST -> who + " lost its ZooKeeper session";
      case NOT_RUNNING -> who + " is registered but not running";
      case STOPPED -> who + " was stopped";
      case RECOVERED -> who + " is running again";
      case STUCK -> who + " is stuck: a channel stays full";
      case HUNG -> who + " is hung: its metrics do not answer";
      case MEMORY -> who + " is short of memory or file descriptors";
      case GC -> who + " spends much of its time collecting garbage";
      case DOWN -> who + " stopped running";
    };
  }

  private static String exitText(ExitRecord exit) {
    if (exit == null) {
      return "";
    }
    if (exit.signal() != null) {
      return " (signal " + exit.signal() + ")";
    }
    return exit.code() == null ? "" : " (exit code " + exit.code() + ")";
  }

  /** What the supervisor does next, when it said so. */
  private static String nextText(ExitRecord exit) {
    if (exit == null) {
      return "";
    }
    String ran = exit.ranFor() == null ? "" : " after running " + Ending.duration(exit.ranFor());
    if (exit.restartIn() != null) {
      return ran + "; restarting in " + Ending.duration(exit.restartIn());
    }
    if (exit.gaveUp() != null) {
      return ran + "; its supervisor gave up: " + exit.gaveUp();
    }
    return ran;
  }

  private static String description(Reason reason) {
    return switch (reason) {
      case CRASHED -> "The agent's process ended unexpectedly; its supervisor recorded the exit.";
      case SESSION_LOST ->
          "The agent's live node expired with no crash record: its host, its network or its supervisor is unreachable.";
      case NOT_RUNNING -> "The agent is registered but has no live node, and no monitor saw it go.";
      case STUCK -> "The agent runs but does not deliver: events pile up in its channel.";
      case HUNG -> "The agent's process runs but its HTTP metrics stopped answering.";
      case MEMORY ->
          "The agent's heap, resident memory or open file descriptors stay near their limits.";
      case GC -> "The agent's JVM spends a large share of its time in garbage collection.";
      case STOPPED, RECOVERED, DOWN -> "";
    };
  }
}
