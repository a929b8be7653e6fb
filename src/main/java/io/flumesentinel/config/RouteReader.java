package io.flumesentinel.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads and validates the {@code route} tree; the rules are in the README's Routing section. */
final class RouteReader {

  /** Prometheus' label names. */
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private static final Duration MAX_GROUP_WAIT = Duration.ofHours(1);
  private static final Duration MIN_REPEAT = Duration.ofMinutes(1);
  private static final Duration MAX_REPEAT = Duration.ofDays(90);

  private static final Duration MAX_GROUP_INTERVAL = Duration.ofHours(1);

  private static final Set<String> GROUPING_KEYS =
      Set.of("groupBy", "groupWait", "groupInterval", "repeatInterval");

  private RouteReader() {}

  /**
   * The root route: it matches every alert, so it takes no {@code match}, {@code matchRe} or {@code
   * continue}, and it needs receivers for the alerts no child takes.
   */
  static RouteConfig root(YamlSection route, List<ReceiverConfig> receivers) {
    for (String childOnly : List.of("match", "matchRe", "continue")) {
      if (route.has(childOnly)) {
        throw new ConfigException(
            route.key(childOnly),
            "the default route matches every alert; match, matchRe and continue belong on its"
                + " child routes");
      }
    }
    route.allowOnly(with(GROUPING_KEYS, "receivers", "routes"));
    Set<String> names = new HashSet<>();
    receivers.forEach(r -> names.add(r.name()));
    List<String> own = receiverNames(route, names);
    if (own.isEmpty()) {
      throw new ConfigException(
          route.key("receivers"),
          "the default route needs at least one receiver, for the alerts no child route takes");
    }
    GroupingConfig grouping = grouping(route, GroupingConfig.DEFAULT);
    return RouteConfig.root(own, grouping, children(route, own, grouping, names));
  }

  private static RouteConfig child(
      YamlSection route,
      List<String> inherited,
      GroupingConfig inheritedGrouping,
      Set<String> names) {
    route.allowOnly(with(GROUPING_KEYS, "match", "matchRe", "receivers", "continue", "routes"));
    Map<String, String> match = route.stringMap("match");
    Map<String, String> matchRe = new LinkedHashMap<>();
    route
        .stringMap("matchRe")
        .forEach((label, regex) -> matchRe.put(label, regex(route.key("matchRe." + label), regex)));
    List<String> own = receiverNames(route, names);
    List<String> receivers = own.isEmpty() ? inherited : own;
    boolean continueMatching = route.bool("continue", false);
    GroupingConfig grouping = grouping(route, inheritedGrouping);
    return new RouteConfig(
        match,
        matchRe,
        receivers,
        continueMatching,
        children(route, receivers, grouping, names),
        grouping);
  }

  private static List<RouteConfig> children(
      YamlSection route,
      List<String> inherited,
      GroupingConfig inheritedGrouping,
      Set<String> names) {
    List<RouteConfig> children = new ArrayList<>();
    for (YamlSection child : route.sections("routes")) {
      children.add(child(child, inherited, inheritedGrouping, names));
    }
    return children;
  }

  /** This route's grouping: each key it does not set is {@code inherited}'s. */
  private static GroupingConfig grouping(YamlSection route, GroupingConfig inherited) {
    List<String> groupBy = route.has("groupBy") ? groupBy(route) : inherited.groupBy();
    Duration groupWait =
        route.duration("groupWait", inherited.groupWait(), Duration.ZERO, MAX_GROUP_WAIT);
    Duration groupInterval =
        route.duration(
            "groupInterval", inherited.groupInterval(), Duration.ZERO, MAX_GROUP_INTERVAL);
    Duration repeatInterval =
        route.duration("repeatInterval", inherited.repeatInterval(), MIN_REPEAT, MAX_REPEAT);
    return new GroupingConfig(groupBy, groupWait, groupInterval, repeatInterval);
  }

  private static List<String> groupBy(YamlSection route) {
    List<String> given = route.strings("groupBy");
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      String key = route.key("groupBy") + "[" + i + "]";
      String label = given.get(i).strip();
      if (label.equals(GroupingConfig.ALL)) {
        if (given.size() > 1) {
          throw new ConfigException(
              key, "'...' groups by every label and must be the only entry of groupBy");
        }
      } else if (!LABEL_NAME.matcher(label).matches()) {
        throw new ConfigException(
            key,
            ConfigChecks.quote(label)
                + " is not a label name (letters, digits and '_', not starting with a digit),"
                + " nor '...' for every label");
      }
      if (labels.contains(label)) {
        throw new ConfigException(key, ConfigChecks.quote(label) + " is listed twice");
      }
      labels.add(label);
    }
    return labels;
  }

  private static Set<String> with(Set<String> keys, String... more) {
    Set<String> all = new HashSet<>(keys);
    all.addAll(List.of(more));
    return all;
  }

  private static List<String> receiverNames(YamlSection route, Set<String> names) {
    List<String> given = route.strings("receivers");
    List<String> receivers = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      String name = given.get(i).strip();
      if (!names.contains(name)) {
        throw new ConfigException(
            route.key("receivers") + "[" + i + "]",
            "no receiver named "
                + ConfigChecks.quote(name)
                + (names.isEmpty() ? "; none is configured" : "; receivers are " + sorted(names)));
      }
      if (!receivers.contains(name)) {
        receivers.add(name);
      }
    }
    return receivers;
  }

  private static String sorted(Set<String> names) {
    return String.join(", ", new TreeSet<>(names));
  }

  /** The regex itself, after checking that it compiles. */
  private static String regex(String key, String regex) {
    try {
      Pattern.compile(regex);
      return regex;
    } catch (PatternSyntaxException e) {
      throw new ConfigException(
          key,
          ConfigChecks.quote(regex)
              + " is not a valid regex: "
              + e.getDescription()
              + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
    }
  }
}
