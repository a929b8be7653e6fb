package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.UntrustedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bound of the agent node a supervisor writes: at most {@link #MAX_NODE_BYTES}, so that a
 * monitor reads a fleet of such nodes in a few requests and one node never comes near ZooKeeper's 1
 * MB limit. A node over it loses, in this order and only as much as needed: the oldest lines of its
 * crash record's stderr tail; then the length of its values (host, group, labels and health details
 * cut to the {@value UntrustedText#MAX_VALUE_CHARS} characters a monitor reads of them anyway);
 * then the output lines of its flow verdicts; then flow verdicts, last first; then labels, last in
 * name order first; then its health details and the details of its resource verdicts; then the
 * crash record's detail (the count of crashes stays). Pure.
 */
final class AgentNodeLimit {

  /** The most bytes of JSON an agent node written by a supervisor takes: what a monitor reads. */
  static final int MAX_NODE_BYTES = AgentNode.MAX_BYTES;

  private AgentNodeLimit() {}

  /** {@code node} within {@link #MAX_NODE_BYTES}; {@code node} itself when it is. */
  static AgentNode fit(AgentNode node) {
    return fit(node, MAX_NODE_BYTES);
  }

  /** {@code node} within {@code maxBytes}, as far as its crash count and identity allow. */
  static AgentNode fit(AgentNode node, int maxBytes) {
    if (fits(node, maxBytes)) {
      return node;
    }
    AgentNode fitted = node;
    ExitRecord exit = node.lastExit();
    if (exit != null && !exit.stderrTail().isEmpty()) {
      String tail = exit.stderrTail();
      while (!tail.isEmpty() && !fits(fitted, maxBytes)) {
        tail = tail.length() < 2 ? "" : UntrustedText.lines(tail, tail.length() / 2);
        fitted = withExit(fitted, exit.withStderrTail(tail));
      }
      if (fits(fitted, maxBytes)) {
        return fitted;
      }
    }
    fitted = shortValues(fitted);
    if (fits(fitted, maxBytes)) {
      return fitted;
    }
    fitted = fewerFlowVerdicts(fitted, maxBytes);
    if (fits(fitted, maxBytes)) {
      return fitted;
    }
    fitted = fewerLabels(fitted, maxBytes);
    if (!fits(fitted, maxBytes) && fitted.health() != null) {
      fitted =
          fitted.withHealth(
              new Health(
                  fitted.health().status(),
                  UntrustedText.line(fitted.health().reason()),
                  fitted.health().since(),
                  Map.of(),
                  fitted.health().flow()));
    }
    if (!fits(fitted, maxBytes) && fitted.resources() != null) {
      fitted = fitted.withResources(fitted.resources().withoutDetails());
    }
    if (!fits(fitted, maxBytes) && fitted.lastExit() != null) {
      fitted = withExit(fitted, null);
    }
    return fitted;
  }

  /** Without the flow verdicts' lines, then without verdicts, last first, until it fits. */
  private static AgentNode fewerFlowVerdicts(AgentNode node, int maxBytes) {
    Health health = node.health();
    if (health == null || health.flow().isEmpty()) {
      return node;
    }
    List<FlowVerdict> verdicts = new ArrayList<>();
    health.flow().forEach(verdict -> verdicts.add(verdict.withoutLines()));
    AgentNode fitted = node.withHealth(health.withFlow(verdicts));
    while (!verdicts.isEmpty() && !fits(fitted, maxBytes)) {
      verdicts.remove(verdicts.size() - 1);
      fitted = node.withHealth(health.withFlow(verdicts));
    }
    return fitted;
  }

  /**
   * {@code node} with as many of its labels, first in name order, as fit in {@code maxBytes} (a
   * binary search: a few encodings however many labels there are).
   */
  private static AgentNode fewerLabels(AgentNode node, int maxBytes) {
    List<Map.Entry<String, String>> labels =
        new ArrayList<>(new TreeMap<>(node.labels()).entrySet());
    int fitting = 0; // the most labels known to fit
    int tooMany = labels.size(); // known not to fit
    while (tooMany - fitting > 1) {
      int middle = (fitting + tooMany) >>> 1;
      if (fits(withLabels(node, first(labels, middle)), maxBytes)) {
        fitting = middle;
      } else {
        tooMany = middle;
      }
    }
    return withLabels(node, first(labels, fitting));
  }

  private static Map<String, String> first(List<Map.Entry<String, String>> labels, int count) {
    Map<String, String> first = new TreeMap<>();
    labels.subList(0, count).forEach(e -> first.put(e.getKey(), e.getValue()));
    return first;
  }

  private static boolean fits(AgentNode node, int maxBytes) {
    return node.toBytes().length <= maxBytes;
  }

  /** Host, group, label values and health details each one line as a monitor reads it. */
  private static AgentNode shortValues(AgentNode node) {
    Map<String, String> labels = new TreeMap<>();
    node.labels().forEach((name, value) -> labels.put(name, UntrustedText.line(value)));
    AgentNode shorter =
        new AgentNode(
            UntrustedText.line(node.host()),
            UntrustedText.line(node.group()),
            labels,
            node.registeredAt(),
            node.crashCount(),
            node.lastExit(),
            node.health(),
            node.resources());
    if (node.health() == null) {
      return shorter;
    }
    Map<String, String> details = new TreeMap<>();
    node.health().details().forEach((name, value) -> details.put(name, UntrustedText.line(value)));
    return shorter.withHealth(
        new Health(
            node.health().status(),
            UntrustedText.line(node.health().reason()),
            node.health().since(),
            details,
            node.health().flow()));
  }

  private static AgentNode withLabels(AgentNode node, Map<String, String> labels) {
    return new AgentNode(
        node.host(),
        node.group(),
        labels,
        node.registeredAt(),
        node.crashCount(),
        node.lastExit(),
        node.health(),
        node.resources());
  }

  private static AgentNode withExit(AgentNode node, ExitRecord exit) {
    return new AgentNode(
        node.host(),
        node.group(),
        node.labels(),
        node.registeredAt(),
        node.crashCount(),
        exit,
        node.health(),
        node.resources());
  }
}
