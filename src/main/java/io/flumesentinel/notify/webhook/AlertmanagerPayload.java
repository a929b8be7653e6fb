package io.flumesentinel.notify.webhook;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The body of one webhook request, in Alertmanager's webhook format version 4, so that anything
 * that receives Alertmanager webhooks (chat bridges, incident tools, custom handlers) accepts it
 * unchanged.
 *
 * <p>The batch is one group ({@link AlertGroup}): {@code groupKey} is its key, {@code {}/<route
 * matchers>:<group labels>} as Alertmanager forms it, {@code groupLabels} the values of the route's
 * {@code groupBy} labels, and {@code commonLabels} and {@code commonAnnotations} the pairs equal
 * across the whole batch.
 */
public final class AlertmanagerPayload {

  public static final String VERSION = "4";

  private AlertmanagerPayload() {}

  /**
   * @param alerts at least one, all of {@code group}, in the order the receiver should read them
   * @throws IllegalArgumentException if {@code alerts} is empty: Alertmanager never sends an empty
   *     group
   */
  public static JsonObject of(
      String receiver, String externalUrl, AlertGroup group, List<Alert> alerts) {
    if (alerts.isEmpty()) {
      throw new IllegalArgumentException("a webhook body needs at least one alert");
    }
    JsonArray alertsJson = new JsonArray();
    alerts.forEach(alert -> alertsJson.add(alert.toJson()));
    return new JsonObject()
        .put("version", VERSION)
        .put("groupKey", group.key())
        .put("truncatedAlerts", 0)
        .put("status", alerts.stream().anyMatch(Alert::firing) ? "firing" : "resolved")
        .put("receiver", receiver)
        .put("groupLabels", json(group.labels()))
        .put("commonLabels", json(common(alerts, Alert::labels)))
        .put("commonAnnotations", json(common(alerts, Alert::annotations)))
        .put("externalURL", externalUrl == null ? "" : externalUrl)
        .put("alerts", alertsJson);
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

  private static JsonObject json(SortedMap<String, String> pairs) {
    return new JsonObject(new TreeMap<String, Object>(pairs));
  }
}
