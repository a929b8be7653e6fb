package io.flumesentinel.event;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The group an alert belongs to at one receiver, as its route's {@code groupBy} makes it: a
 * receiver gets the alerts of one group together, never mixed with another group's.
 *
 * @param key Alertmanager's group key, {@code <route key>:<labels>}, such as {@code
 *     {}/{group="ingest"}:{host="flume-07"}}; equal keys are one group
 * @param labels the values of the route's {@code groupBy} labels that the alert has (an absent
 *     label is left out, as Alertmanager does)
 * @param groupWait how long the first alert of a new group waits for its siblings; zero: it goes at
 *     once
 * @param groupInterval the least time between the starts of two sends of this group to a receiver;
 *     zero: the next send goes as soon as the previous one is done
 */
public record AlertGroup(
    String key, SortedMap<String, String> labels, Duration groupWait, Duration groupInterval) {

  public AlertGroup {
    Objects.requireNonNull(key, "key");
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    Objects.requireNonNull(groupWait, "groupWait");
    Objects.requireNonNull(groupInterval, "groupInterval");
    if (groupWait.isNegative()) {
      throw new IllegalArgumentException("groupWait must not be negative: " + groupWait);
    }
    if (groupInterval.isNegative()) {
      throw new IllegalArgumentException("groupInterval must not be negative: " + groupInterval);
    }
  }

  /** The group of {@code labels} under the route whose key is {@code routeKey}. */
  public static AlertGroup of(
      String routeKey, Map<String, String> labels, Duration groupWait, Duration groupInterval) {
    TreeMap<String, String> sorted = new TreeMap<>(labels);
    return new AlertGroup(
        routeKey + ":" + labelSetString(sorted), sorted, groupWait, groupInterval);
  }

  /** The group of {@code labels} under the route whose key is {@code routeKey}, no interval. */
  public static AlertGroup of(String routeKey, Map<String, String> labels, Duration groupWait) {
    return of(routeKey, labels, groupWait, Duration.ZERO);
  }

  /** Prometheus' {@code LabelSet.String()}: {@code {a="1", b="2"}}, sorted by name. */
  public static String labelSetString(SortedMap<String, String> labels) {
    return labels.entrySet().stream()
        .map(pair -> pair.getKey() + "=" + quoted(pair.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /** A Go-quoted string, as Alertmanager prints label values and matchers. */
  public static String quoted(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
