package io.flumesentinel.classify;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.NodeDataException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the {@link Classifier} knows of one agent: its two nodes as last seen, and where its two
 * alerts stand ({@link DownState}, {@link StuckState}). Used from the classifier's thread only.
 */
final class AgentView {

  /** Where the agent's down alert ({@code FlumeAgentDown}) stands. */
  enum DownState {
    /** Nothing firing and nothing pending. */
    CLEAR,
    /** Registered without a live node: NOT_RUNNING fires at the deadline unless it starts. */
    AWAITING_START,
    /** Its live node went with no crash record: SESSION_LOST fires at the deadline. */
    IN_GRACE,
    /** The down alert fires. */
    FIRING;

    /** Whether a deadline decides what comes next. */
    boolean waiting() {
      return this == AWAITING_START || this == IN_GRACE;
    }
  }

  /** Where the agent's health alert ({@code FlumeAgentStuck}) stands. */
  enum StuckState {
    CLEAR,
    FIRING
  }

  final String id;

  /** The agent node as last seen; {@code null} while it is not registered. */
  private NodeData agentData;

  /** {@code agentData} parsed, on first use: most agents never need it. */
  private AgentNode agent;

  private String agentProblem;
  private boolean parsed;

  /** The live node as last seen; {@code null} while it is not running. */
  private NodeData live;

  /**
   * The highest crash count an alert has been raised for (or known at start-up): no second alert
   * for it. -1 until needed: then it is the crash count of the data first seen (see {@link
   * #settleBaseline()}).
   */
  long alertedCrashCount = -1;

  private DownState down = DownState.CLEAR;

  /** The down alert as last sent, while {@link DownState#FIRING}. */
  private Alert downAlert;

  /** When the pending verdict is due, while {@link DownState#waiting()}. */
  private Instant deadline;

  private StuckState stuck = StuckState.CLEAR;

  /** The health alert as last sent, while {@link StuckState#FIRING}. */
  private Alert stuckAlert;

  /** The resource alerts ({@code FlumeAgentMemory}, {@code FlumeAgentGc}) firing, by name. */
  private final Map<String, Alert> resourceAlerts = new TreeMap<>();

  /** The flow-check alerts firing, by {@link io.flumesentinel.protocol.FlowVerdict#key()}. */
  private final Map<String, Alert> flowAlerts = new LinkedHashMap<>();

  AgentView(String id) {
    this.id = id;
  }

  /** The agent node as last known, or {@code null} when it is not registered. */
  NodeData agentData() {
    return agentData;
  }

  void agent(NodeData data) {
    agentData = data;
    parsed = false;
    agent = null;
    agentProblem = null;
  }

  void live(NodeData data) {
    live = data;
  }

  boolean registered() {
    return agentData != null;
  }

  boolean running() {
    return live != null;
  }

  DownState down() {
    return down;
  }

  /** The firing down alert; only in {@link DownState#FIRING}. */
  Alert downAlert() {
    return Objects.requireNonNull(downAlert, "no down alert firing");
  }

  /** When the pending verdict is due; only while {@link DownState#waiting()}. */
  Instant deadline() {
    return Objects.requireNonNull(deadline, "no verdict pending");
  }

  void downFiring(Alert alert) {
    down = DownState.FIRING;
    downAlert = alert;
    deadline = null;
  }

  void awaitUntil(DownState pending, Instant due) {
    if (!pending.waiting()) {
      throw new IllegalArgumentException(pending + " has no deadline");
    }
    down = pending;
    deadline = due;
    downAlert = null;
  }

  void downClear() {
    down = DownState.CLEAR;
    downAlert = null;
    deadline = null;
  }

  StuckState stuck() {
    return stuck;
  }

  /** The firing health alert; only in {@link StuckState#FIRING}. */
  Alert stuckAlert() {
    return Objects.requireNonNull(stuckAlert, "no health alert firing");
  }

  void stuckFiring(Alert alert) {
    stuck = StuckState.FIRING;
    stuckAlert = alert;
  }

  void stuckClear() {
    stuck = StuckState.CLEAR;
    stuckAlert = null;
  }

  /** The firing resource alert of that name, or {@code null}. */
  Alert resourceAlert(String alertname) {
    return resourceAlerts.get(alertname);
  }

  /** Whether some resource alert fires. */
  boolean resourceFiring() {
    return !resourceAlerts.isEmpty();
  }

  void resourceFiring(String alertname, Alert alert) {
    resourceAlerts.put(alertname, alert);
  }

  void resourceClear(String alertname) {
    resourceAlerts.remove(alertname);
  }

  /** The flow-check alerts firing, by verdict key; changed by the classifier. */
  Map<String, Alert> flowAlerts() {
    return flowAlerts;
  }

  /**
   * Whether nothing is left to remember: neither node, and no alert firing. A verdict still pending
   * goes with it: it would fire only for a registered agent.
   */
  boolean holdsNothing() {
    return !registered()
        && !running()
        && down != DownState.FIRING
        && stuck == StuckState.CLEAR
        && resourceAlerts.isEmpty()
        && flowAlerts.isEmpty();
  }

  /**
   * The agent node, or {@code null} when absent or unreadable (then {@link #agentProblem()} says
   * why); a node over {@link AgentNode#MAX_BYTES} is not parsed, and is unreadable.
   */
  AgentNode agent() {
    if (!parsed && agentData != null) {
      parsed = true;
      int size = agentData.data().length;
      if (size > AgentNode.MAX_BYTES) {
        agentProblem = tooLarge(size);
        return null;
      }
      try {
        agent = AgentNode.parse(agentData.data());
      } catch (NodeDataException e) {
        agentProblem = e.getMessage();
      }
    }
    return agent;
  }

  /** Why an agent node of {@code size} bytes is not read. */
  static String tooLarge(int size) {
    return String.format(
        Locale.ROOT,
        "agent node too large to read: %,d bytes (limit %,d)",
        size,
        AgentNode.MAX_BYTES);
  }

  /**
   * Whether the agent node may carry an unhealthy status, without parsing it: most agent nodes have
   * no {@code health} at all, and the classifier asks on every change.
   */
  boolean mayBeUnhealthy() {
    return contains(HEALTH_KEY);
  }

  /** Whether the agent node may carry resource verdicts, without parsing it (as above). */
  boolean mayHaveResources() {
    return contains(RESOURCES_KEY);
  }

  private boolean contains(byte[] key) {
    if (agentData == null || agentData.data() == null) {
      return false;
    }
    byte[] data = agentData.data();
    if (data.length > AgentNode.MAX_BYTES) {
      return false;
    }
    outer:
    for (int i = 0; i + key.length <= data.length; i++) {
      for (int j = 0; j < key.length; j++) {
        if (data[i + j] != key[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static final byte[] HEALTH_KEY = "\"health\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESOURCES_KEY = "\"resources\"".getBytes(StandardCharsets.UTF_8);

  String agentProblem() {
    agent();
    return agentProblem;
  }

  /**
   * Whether the agent node records an exit at or after its own creation (ZooKeeper's time of it): a
   * crash of this registration, not one the node was created with. {@code false} when either time
   * is unknown.
   */
  boolean crashRecordedSinceRegistered() {
    return agentData != null && agentData.ctime() > 0 && exitRecordedSince(agentData.ctime());
  }

  /** Whether the agent node records an exit at or after {@code ctime} (epoch milliseconds). */
  private boolean exitRecordedSince(long ctime) {
    return agent() != null
        && agent.lastExit() != null
        && agent.lastExit().at() != null
        && agent.lastExit().at().toEpochMilli() >= ctime;
  }

  /** Fixes the crash-count baseline from the data seen so far; call before replacing that data. */
  void settleBaseline() {
    if (alertedCrashCount < 0) {
      alertedCrashCount = crashCount();
    }
  }

  long crashCount() {
    return agent() == null ? 0 : agent.crashCount();
  }

  /**
   * Whether the agent node records a crash of the run that {@code removedLive} stood for: the crash
   * count went up since that live node was created. A live node whose data cannot be read is judged
   * by time instead: an exit recorded at or after the node's creation.
   */
  boolean crashRecordedSince(NodeData removedLive) {
    if (agent() == null || agent.lastExit() == null) {
      return false;
    }
    if (removedLive == null) {
      return agent.crashCount() > alertedCrashCount;
    }
    try {
      return agent.crashCount() > LiveNode.parse(removedLive.data()).crashCount();
    } catch (NodeDataException e) {
      return exitRecordedSince(removedLive.ctime());
    }
  }

  /** Crash count the current live node started with, or -1 when unknown. */
  long liveStartCrashCount() {
    if (live == null) {
      return -1;
    }
    try {
      return LiveNode.parse(live.data()).crashCount();
    } catch (NodeDataException e) {
      return -1;
    }
  }

  /** The process of the current run as its live node says, or {@code null} when unknown. */
  Long livePid() {
    if (live == null) {
      return null;
    }
    try {
      long pid = LiveNode.parse(live.data()).pid();
      return pid > 0 ? pid : null;
    } catch (NodeDataException e) {
      return null;
    }
  }
}
