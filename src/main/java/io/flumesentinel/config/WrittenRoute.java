package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One node of the {@code route} tree as the file writes it: only its own keys, {@code null} where
 * it sets none. {@link #root} checks the tree and makes the {@link RouteConfig}, each node
 * inheriting what it does not set; the rules are in the README's Routing section.
 *
 * @param match label name → the exact value; a label written without a value must be empty
 */
record WrittenRoute(
    @JsonSetter(contentNulls = Nulls.AS_EMPTY) Map<String, String> match,
    @JsonSetter(contentNulls = Nulls.AS_EMPTY) Map<String, String> matchRe,
    List<String> receivers,
    @JsonProperty("continue") Boolean continueMatching,
    List<String> groupBy,
    Duration groupWait,
    Duration groupInterval,
    Duration repeatInterval,
    String runbookUrl,
    List<WrittenRoute> routes) {

  /** Prometheus' label names. */
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private static final Duration MAX_GROUP_WAIT = Duration.ofHours(1);
  private static final Duration MAX_GROUP_INTERVAL = Duration.ofHours(1);
  private static final Duration MIN_REPEAT = Duration.ofMinutes(1);
  private static final Duration MAX_REPEAT = Duration.ofDays(90);

  /**
   * This node as the root route: it matches every alert, so it takes no {@code match}, {@code
   * matchRe} or {@code continue}, and it needs receivers for the alerts no child takes.
   *
   * @param names the receivers configured
   */
  RouteConfig root(Set<String> names) {
    String key = "route";
    Map<String, Object> childOnly = new LinkedHashMap<>();
    childOnly.put("match", match);
    childOnly.put("matchRe", matchRe);
    childOnly.put("continue", continueMatching);
    childOnly.forEach(
        (name, value) -> {
          if (value != null) {
            throw new ConfigException(
                key + "." + name,
                "the default route matches every alert; match, matchRe and continue belong on its"
                    + " child routes");
          }
        });
    List<String> own = receiverNames(key, names);
    if (own.isEmpty()) {
      throw new ConfigException(
          key + ".receivers",
          "the default route needs at least one receiver, for the alerts no child route takes");
    }
    GroupingConfig grouping = grouping(key, GroupingConfig.DEFAULT);
    RunbookTemplate runbook = runbook(key, null);
    return new RouteConfig(
        Map.of(),
        Map.of(),
        own,
        false,
        children(key, own, grouping, runbook, names),
        grouping,
        runbook);
  }

  private RouteConfig child(
      String key,
      List<String> inherited,
      GroupingConfig inheritedGrouping,
      RunbookTemplate inheritedRunbook,
      Set<String> names) {
    Map<String, String> regexes = new LinkedHashMap<>();
    if (matchRe != null) {
      matchRe.forEach(
          (label, regex) -> regexes.put(label, regex(key + ".matchRe." + label, regex)));
    }
    List<String> own = receiverNames(key, names);
    List<String> receivers = own.isEmpty() ? inherited : own;
    GroupingConfig grouping = grouping(key, inheritedGrouping);
    RunbookTemplate runbook = runbook(key, inheritedRunbook);
    return new RouteConfig(
        match == null ? Map.of() : match,
        regexes,
        receivers,
        continueMatching != null && continueMatching,
        children(key, receivers, grouping, runbook, names),
        grouping,
        runbook);
  }

  private List<RouteConfig> children(
      String key,
      List<String> inherited,
      GroupingConfig inheritedGrouping,
      RunbookTemplate inheritedRunbook,
      Set<String> names) {
    List<RouteConfig> children = new ArrayList<>();
    for (int i = 0; routes != null && i < routes.size(); i++) {
      children.add(
          routes
              .get(i)
              .child(
                  key + ".routes[" + i + "]",
                  inherited,
                  inheritedGrouping,
                  inheritedRunbook,
                  names));
    }
    return children;
  }

  /** This route's runbook link, or {@code inherited} when it sets none. */
  private RunbookTemplate runbook(String key, RunbookTemplate inherited) {
    return runbookUrl == null || runbookUrl.isBlank()
        ? inherited
        : RunbookTemplate.read(key + ".runbookUrl", runbookUrl);
  }

  /** This route's grouping: each key it does not set is {@code inherited}'s. */
  private GroupingConfig grouping(String key, GroupingConfig inherited) {
    return new GroupingConfig(
        groupBy == null ? inherited.groupBy() : labels(key + ".groupBy"),
        groupWait == null
            ? inherited.groupWait()
            : DurationKey.inRange(key + ".groupWait", groupWait, Duration.ZERO, MAX_GROUP_WAIT),
        groupInterval == null
            ? inherited.groupInterval()
            : DurationKey.inRange(
                key + ".groupInterval", groupInterval, Duration.ZERO, MAX_GROUP_INTERVAL),
        repeatInterval == null
            ? inherited.repeatInterval()
            : DurationKey.inRange(key + ".repeatInterval", repeatInterval, MIN_REPEAT, MAX_REPEAT));
  }

  private List<String> labels(String key) {
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < groupBy.size(); i++) {
      String itemKey = key + "[" + i + "]";
      String label = groupBy.get(i).strip();
      if (label.equals(GroupingConfig.ALL)) {
        if (groupBy.size() > 1) {
          throw new ConfigException(
              itemKey, "'...' groups by every label and must be the only entry of groupBy");
        }
      } else if (!LABEL_NAME.matcher(label).matches()) {
        throw new ConfigException(
            itemKey,
            ConfigChecks.quote(label)
                + " is not a label name (letters, digits and '_', not starting with a digit),"
                + " nor '...' for every label");
      }
      if (labels.contains(label)) {
        throw new ConfigException(itemKey, ConfigChecks.quote(label) + " is listed twice");
      }
      labels.add(label);
    }
    return labels;
  }

  private List<String> receiverNames(String key, Set<String> names) {
    List<String> checked = new ArrayList<>();
    for (int i = 0; receivers != null && i < receivers.size(); i++) {
      String name = receivers.get(i).strip();
      if (!names.contains(name)) {
        throw new ConfigException(
            key + ".receivers[" + i + "]",
            "no receiver named "
                + ConfigChecks.quote(name)
                + (names.isEmpty()
                    ? "; none is configured"
                    : "; receivers are " + String.join(", ", new TreeSet<>(names))));
      }
      if (!checked.contains(name)) {
        checked.add(name);
      }
    }
    return checked;
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
