package io.flumesentinel.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node of the route tree, validated: every receiver it names exists and every regex compiles.
 *
 * @param match label name → the exact value it must have (an absent label counts as empty)
 * @param matchRe label name → a regex ({@link java.util.regex}) the whole value must match
 * @param receivers where the alerts this node takes go, in order; never empty (a child written
 *     without receivers inherits its parent's)
 * @param continueMatching after this node matched, whether later siblings are tried too
 * @param routes the children, tried in order
 * @param grouping how this node groups and repeats what it sends (a child written without them
 *     inherits its parent's values)
 * @param runbookUrl the {@code runbook_url} of the alerts this node takes; {@code null}: none set
 *     here nor above (a child written without one inherits its parent's)
 */
public record RouteConfig(
    Map<String, String> match,
    Map<String, String> matchRe,
    List<String> receivers,
    boolean continueMatching,
    List<RouteConfig> routes,
    GroupingConfig grouping,
    RunbookTemplate runbookUrl) {

  public RouteConfig {
    match = Collections.unmodifiableMap(new LinkedHashMap<>(match));
    matchRe = Collections.unmodifiableMap(new LinkedHashMap<>(matchRe));
    receivers = List.copyOf(receivers);
    routes = List.copyOf(routes);
    Objects.requireNonNull(grouping, "grouping");
    if (receivers.isEmpty()) {
      throw new IllegalArgumentException("a route needs at least one receiver");
    }
    routes.forEach(Objects::requireNonNull);
  }

  /** A node without a runbook link. */
  public RouteConfig(
      Map<String, String> match,
      Map<String, String> matchRe,
      List<String> receivers,
      boolean continueMatching,
      List<RouteConfig> routes,
      GroupingConfig grouping) {
    this(match, matchRe, receivers, continueMatching, routes, grouping, null);
  }

  /** A node with the {@link GroupingConfig#DEFAULT default grouping}. */
  public RouteConfig(
      Map<String, String> match,
      Map<String, String> matchRe,
      List<String> receivers,
      boolean continueMatching,
      List<RouteConfig> routes) {
    this(match, matchRe, receivers, continueMatching, routes, GroupingConfig.DEFAULT);
  }

  /** A root route: matches everything, sends to {@code receivers} what no child takes. */
  public static RouteConfig root(List<String> receivers, List<RouteConfig> routes) {
    return root(receivers, GroupingConfig.DEFAULT, routes);
  }

  /** A root route grouping as {@code grouping} says. */
  public static RouteConfig root(
      List<String> receivers, GroupingConfig grouping, List<RouteConfig> routes) {
    return new RouteConfig(Map.of(), Map.of(), receivers, false, routes, grouping);
  }
}
