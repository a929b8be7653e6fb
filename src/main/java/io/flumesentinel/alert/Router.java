package io.flumesentinel.alert;

import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.config.RunbookTemplate;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Notice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decides where an alert goes and in which group, from its labels, as Alertmanager's route tree
 * does.
 *
 * <p>The tree is walked depth first from the root, which always matches. Within a matching node its
 * children are tried in order: the first that matches takes the alert, and unless it has {@code
 * continue: true} no later sibling is tried. A matching node none of whose children match uses its
 * own receivers. The answer is the receivers found, in order, each once: a receiver reached through
 * several routes gets the alert once, grouped as the first of them says.
 *
 * <p>Groups: a route's group key is Alertmanager's, {@code <route key>:<group labels>}, where the
 * root's route key is {@code {}} and a child's is its parent's, {@code /}, and its matchers sorted
 * by label ({@code {group="ingest",host=~"flume-0[1-4]"}}). Two sibling routes with the same
 * matchers share their groups, as in Alertmanager.
 *
 * <p>Runbook links: a dispatched alert carries a {@code runbook_url} annotation from the template
 * of the route that took it for that receiver (its own or inherited from a parent route), else of
 * the receiver, else the global one; none when no template applies.
 *
 * <p>Immutable and pure, so it is safe to share: any code may turn an alert into its dispatches
 * with {@link #dispatches} and hand each to its notifier with {@link Dispatch#send}.
 */
public final class Router {

  /** The annotation holding an alert's runbook link. */
  public static final String RUNBOOK_URL = "runbook_url";

  private final Node root;
  private final RunbookTemplate globalRunbook;
  private final Map<String, RunbookTemplate> receiverRunbooks;

  private Router(Node root) {
    this(root, null, Map.of());
  }

  private Router(
      Node root, RunbookTemplate globalRunbook, Map<String, RunbookTemplate> receiverRunbooks) {
    this.root = root;
    this.globalRunbook = globalRunbook;
    this.receiverRunbooks = Map.copyOf(receiverRunbooks);
  }

  /**
   * This router, linking runbooks when no route sets one: {@code byReceiver} per receiver, else
   * {@code global} ({@code null}: none).
   */
  public Router withRunbooks(RunbookTemplate global, Map<String, RunbookTemplate> byReceiver) {
    return new Router(root, global, byReceiver);
  }

  /**
   * The router of {@code route}, or, when it is {@code null}, one that sends every alert to every
   * receiver in {@code receivers}, grouped by {@link GroupingConfig#DEFAULT}.
   *
   * @throws IllegalArgumentException if {@code route} names a receiver not in {@code receivers}:
   *     its alerts would go nowhere
   */
  public static Router of(RouteConfig route, List<String> receivers) {
    if (route == null) {
      return new Router(
          new Node(
              "{}", Map.of(), Map.of(), receivers, false, List.of(), GroupingConfig.DEFAULT, null));
    }
    requireKnown(route, Set.copyOf(receivers));
    return new Router(node(route, null));
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
    return List.copyOf(routed(labels).keySet());
  }

  /**
   * Where {@code alert} goes: one dispatch per receiver its routes name, in order, each once, with
   * the alert's group and repeat interval there. Pure: sending is the caller's ({@link
   * Dispatch#send}).
   */
  public List<Dispatch> dispatches(Alert alert) {
    List<Dispatch> dispatches = new ArrayList<>();
    routed(alert.labels())
        .forEach((receiver, node) -> dispatches.add(dispatch(node, receiver, alert)));
    return List.copyOf(dispatches);
  }

  /**
   * {@code alert} for {@code receiver}: grouped as its routes say when they name {@code receiver},
   * else as the root route does (a resolved notice owed to a receiver the routes no longer name).
   */
  public Dispatch dispatch(Alert alert, String receiver) {
    Node node = routed(alert.labels()).getOrDefault(receiver, root);
    return dispatch(node, receiver, alert);
  }

  private Dispatch dispatch(Node node, String receiver, Alert alert) {
    RunbookTemplate runbook = node.runbook();
    if (runbook == null) {
      runbook = receiverRunbooks.getOrDefault(receiver, globalRunbook);
    }
    Alert linked = alert;
    if (runbook != null && alert.annotation(RUNBOOK_URL) == null) {
      TreeMap<String, String> annotations = new TreeMap<>(alert.annotations());
      annotations.put(RUNBOOK_URL, runbook.render(alert.labels()));
      linked =
          new Alert(
              alert.status(),
              alert.labels(),
              annotations,
              alert.startsAt(),
              alert.endsAt(),
              alert.generatorUrl());
    }
    return node.dispatch(receiver, linked);
  }

  private Map<String, Node> routed(Map<String, String> labels) {
    Map<String, Node> found = new LinkedHashMap<>();
    root.route(labels, found);
    return found;
  }

  private static Node node(RouteConfig route, Node parent) {
    Map<String, Pattern> patterns = new LinkedHashMap<>();
    route.matchRe().forEach((label, regex) -> patterns.put(label, Pattern.compile(regex)));
    String key =
        parent == null ? "{}" : parent.key + "/" + matchers(route.match(), route.matchRe());
    List<Node> children = new ArrayList<>();
    Node node =
        new Node(
            key,
            route.match(),
            patterns,
            route.receivers(),
            route.continueMatching(),
            children,
            route.grouping(),
            route.runbookUrl());
    route.routes().forEach(child -> children.add(node(child, node)));
    return node;
  }

  /** Alertmanager's matchers string: {@code {group="ingest",host=~"flume-0[1-4]"}}. */
  private static String matchers(Map<String, String> match, Map<String, String> matchRe) {
    TreeMap<String, List<String>> byLabel = new TreeMap<>();
    match.forEach(
        (label, value) ->
            byLabel.computeIfAbsent(label, l -> new ArrayList<>()).add(label + "=" + quote(value)));
    matchRe.forEach(
        (label, regex) ->
            byLabel
                .computeIfAbsent(label, l -> new ArrayList<>())
                .add(label + "=~" + quote(regex)));
    return byLabel.values().stream()
        .flatMap(List::stream)
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String quote(String value) {
    return AlertGroup.quoted(value);
  }

  /** Children are filled in after construction, before the tree is shared. */
  private record Node(
      String key,
      Map<String, String> match,
      Map<String, Pattern> matchRe,
      List<String> receivers,
      boolean continueMatching,
      List<Node> children,
      GroupingConfig grouping,
      RunbookTemplate runbook) {

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
    void route(Map<String, String> labels, Map<String, Node> found) {
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
        receivers.forEach(receiver -> found.putIfAbsent(receiver, this));
      }
    }

    Dispatch dispatch(String receiver, Alert alert) {
      return new Dispatch(receiver, new Notice(alert, group(alert)), grouping.repeatInterval());
    }

    /** The alert's group here: the values of the groupBy labels it has. */
    AlertGroup group(Alert alert) {
      Map<String, String> labels = new TreeMap<>();
      if (grouping.byAllLabels()) {
        labels.putAll(alert.labels());
      } else {
        for (String name : grouping.groupBy()) {
          String value = alert.labels().get(name);
          if (value != null) {
            labels.put(name, value);
          }
        }
      }
      return AlertGroup.of(key, labels, grouping.groupWait(), grouping.groupInterval());
    }
  }
}
