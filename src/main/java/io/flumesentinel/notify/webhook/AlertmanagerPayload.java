package io.flumesentinel.notify.webhook;

import io.flumesentinel.event.Alert;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The body of one webhook request, in Alertmanager's webhook format version 4, so that anything
 * that receives Alertmanager webhooks (chat bridges, incident tools, custom handlers) accepts it
 * unchanged.
 *
 * <p>The group is the batch: {@code groupLabels} holds {@code alertname} when every alert of the
 * batch shares it, {@code commonLabels} and {@code commonAnnotations} hold the pairs equal across
 * the whole batch, and {@code groupKey} is derived from the group labels as Alertmanager derives it
 * for its root route.
 */
public final class AlertmanagerPayload {

  public static final String VERSION = "4";

  private AlertmanagerPayload() {}

  /**
   * @param alerts at least one, in the order the receiver should read them
   * @throws IllegalArgumentException if {@code alerts} is empty: Alertmanager never sends an empty
   *     group
   */
  public static JsonObject of(String receiver, String externalUrl, List<Alert> alerts) {
    if (alerts.isEmpty()) {
      throw new IllegalArgumentException("a webhook body needs at least one alert");
    }
    SortedMap<String, String> groupLabels = groupLabels(alerts);
    JsonArray alertsJson = new JsonArray();
    alerts.forEach(alert -> alertsJson.add(alert.toJson()));
    return new JsonObject()
        .put("version", VERSION)
        .put("groupKey", "{}:" + labelSetString(groupLabels))
        .put("truncatedAlerts", 0)
        .put("status", alerts.stream().anyMatch(Alert::firing) ? "firing" : "resolved")
        .put("receiver", receiver)
        .put("groupLabels", json(groupLabels))
        .put("commonLabels", json(common(alerts, Alert::labels)))
        .put("commonAnnotations", json(common(alerts, Alert::annotations)))
        .put("externalURL", externalUrl == null ? "" : externalUrl)
        .put("alerts", alertsJson);
  }

  private static SortedMap<String, String> groupLabels(List<Alert> alerts) {
    String alertname = alerts.get(0).alertname();
    boolean shared = alerts.stream().allMatch(alert -> alert.alertname().equals(alertname));
    TreeMap<String, String> labels = new TreeMap<>();
    if (shared) {
      labels.put(Alert.ALERTNAME, alertname);
    }
    return labels;
  }

  /** The pairs present with the same value in every alert. */
  private static SortedMap<String, String> common(
      List<Alert> alerts, Function<Alert, Map<String, String>> pairs) {
    TreeMap<String, String> common = new TreeMap<>(pairs.apply(alerts.get(0)));
    for (Alert alert : alerts.subList(1, alerts.size())) {
      Map<String, String> other = pairs.apply(alert);
      common.entrySet().removeIf(pair -> !pair.getValue().equals(other.get(pair.getKey())));
    }
    return common;
  }

  /** Prometheus' {@code LabelSet.String()}: {@code {a="1", b="2"}}, sorted by name. */
  private static String labelSetString(SortedMap<String, String> labels) {
    return labels.entrySet().stream()
        .map(
            pair ->
                pair.getKey()
                    + "=\""
                    + pair.getValue().replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\"")
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static JsonObject json(SortedMap<String, String> pairs) {
    return new JsonObject(new TreeMap<String, Object>(pairs));
  }
}
