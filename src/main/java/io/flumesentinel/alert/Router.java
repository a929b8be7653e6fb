package io.flumesentinel.alert;

import io.flumesentinel.config.RouteConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which receivers an alert goes to, from its labels, as Alertmanager's route tree does.
 *
 * <p>The tree is walked depth first from the root, which always matches. Within a matching node its
 * children are tried in order: the first that matches takes the alert, and unless it has {@code
 * continue: true} no later sibling is tried. A matching node none of whose children match uses its
 * own receivers. The answer is the receivers found, in order, each once. Immutable and pure, so it
 * is safe to share.
 */
public final class Router {

  private final Node root;

  private Router(Node root) {
    this.root = root;
  }

  /**
   * The router of {@code route}, or, when it is {@code null}, one that sends every alert to every
   * receiver in {@code receivers}.
   *
   * @throws IllegalArgumentException if {@code route} names a receiver not in {@code receivers}:
   *     its alerts would go nowhere
   */
  public static Router of(RouteConfig route, List<String> receivers) {
    if (route == null) {
      return new Router(new Node(Map.of(), Map.of(), receivers, false, List.of()));
    }
    requireKnown(route, Set.copyOf(receivers));
    return new Router(node(route));
  }

  private static void requireKnown(RouteConfig route, Set<String> known) {
    for (String receiver : route.receivers()) {
      if (!known.contains(receiver)) {
        throw new IllegalArgumentException("a route names no receiver: " + receiver);
      }
    }
    route.routes().forEach(child -> requireKnown(child, known));
  }

  /** The receivers an alert with {@code labels} goes to, in order, without repeats. */
  public List<String> receivers(Map<String, String> labels) {
    Set<String> found = new LinkedHashSet<>();
    root.route(labels, found);
    return List.copyOf(found);
  }

  private static Node node(RouteConfig route) {
    Map<String, Pattern> patterns = new LinkedHashMap<>();
    route.matchRe().forEach((label, regex) -> patterns.put(label, Pattern.compile(regex)));
    List<Node> children = new ArrayList<>();
    route.routes().forEach(child -> children.add(node(child)));
    return new Node(route.match(), patterns, route.receivers(), route.continueMatching(), children);
  }

  private record Node(
      Map<String, String> match,
      Map<String, Pattern> matchRe,
      List<String> receivers,
      boolean continueMatching,
      List<Node> children) {

    boolean matches(Map<String, String> labels) {
      for (Map.Entry<String, String> m : match.entrySet()) {
        if (!m.getValue().equals(labels.getOrDefault(m.getKey(), ""))) {
          return false;
        }
      }
      for (Map.Entry<String, Pattern> m : matchRe.entrySet()) {
        if (!m.getValue().matcher(labels.getOrDefault(m.getKey(), "")).matches()) {
          return false;
        }
      }
      return true;
    }

    /** Adds the receivers of this node (known to match) or of its matching descendants. */
    void route(Map<String, String> labels, Set<String> found) {
      boolean taken = false;
      for (Node child : children) {
        if (child.matches(labels)) {
          child.route(labels, found);
          taken = true;
          if (!child.continueMatching) {
            break;
          }
        }
      }
      if (!taken) {
        found.addAll(receivers);
      }
    }
  }
}
