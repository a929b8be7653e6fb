package io.flumesentinel.classify;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.NodeDataException;

/** What the classifier knows of one agent. Used from the classifier's context only. */
final class AgentView {

  final String id;
  NodeData agentData;

  /** {@code agentData} parsed, on first use: most agents never need it. */
  private AgentNode agent;

  private String agentProblem;
  private boolean parsed;
  NodeData live;

  /**
   * The highest crash count an alert has been raised for (or known at start-up): no second alert
   * for it. -1 until needed: then it is the crash count of the data first seen (see {@link
   * #settleBaseline()}).
   */
  long alertedCrashCount = -1;

  /** The alert this agent has firing now, as the classifier decided it. */
  Alert firing;

  /** The health alert ({@code FlumeAgentStuck}) this agent has firing now. */
  Alert stuck;

  long timer = -1;

  AgentView(String id) {
    this.id = id;
  }

  void agent(NodeData data) {
    agentData = data;
    parsed = false;
    agent = null;
    agentProblem = null;
  }

  /**
   * The agent node, or {@code null} when absent or unreadable (then {@link #agentProblem()} says
   * why).
   */
  AgentNode agent() {
    if (!parsed && agentData != null) {
      parsed = true;
      try {
        agent = AgentNode.parse(agentData.data());
      } catch (NodeDataException e) {
        agentProblem = e.getMessage();
      }
    }
    return agent;
  }

  /**
   * Whether the agent node may carry an unhealthy status, without parsing it: most agent nodes have
   * no {@code health} at all, and the classifier asks on every change.
   */
  boolean mayBeUnhealthy() {
    if (agentData == null || agentData.data() == null) {
      return false;
    }
    byte[] data = agentData.data();
    byte[] key = HEALTH_KEY;
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

  private static final byte[] HEALTH_KEY =
      "\"health\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  String agentProblem() {
    agent();
    return agentProblem;
  }

  /** Fixes the crash-count baseline from the data seen so far; call before replacing that data. */
  void settleBaseline() {
    if (alertedCrashCount < 0) {
      alertedCrashCount = crashCount();
    }
  }

  boolean registered() {
    return agentData != null;
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
      return agent.lastExit().at() != null
          && agent.lastExit().at().toEpochMilli() >= removedLive.ctime();
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
}
