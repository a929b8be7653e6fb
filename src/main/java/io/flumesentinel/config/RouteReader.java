package io.flumesentinel.config;

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
    route.allowOnly(Set.of("receivers", "routes"));
    Set<String> names = new HashSet<>();
    receivers.forEach(r -> names.add(r.name()));
    List<String> own = receiverNames(route, names);
    if (own.isEmpty()) {
      throw new ConfigException(
          route.key("receivers"),
          "the default route needs at least one receiver, for the alerts no child route takes");
    }
    return RouteConfig.root(own, children(route, own, names));
  }

  private static RouteConfig child(YamlSection route, List<String> inherited, Set<String> names) {
    route.allowOnly(Set.of("match", "matchRe", "receivers", "continue", "routes"));
    Map<String, String> match = route.stringMap("match");
    Map<String, String> matchRe = new LinkedHashMap<>();
    route
        .stringMap("matchRe")
        .forEach((label, regex) -> matchRe.put(label, regex(route.key("matchRe." + label), regex)));
    List<String> own = receiverNames(route, names);
    List<String> receivers = own.isEmpty() ? inherited : own;
    boolean continueMatching = route.bool("continue", false);
    return new RouteConfig(
        match, matchRe, receivers, continueMatching, children(route, receivers, names));
  }

  private static List<RouteConfig> children(
      YamlSection route, List<String> inherited, Set<String> names) {
    List<RouteConfig> children = new ArrayList<>();
    for (YamlSection child : route.sections("routes")) {
      children.add(child(child, inherited, names));
    }
    return children;
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
