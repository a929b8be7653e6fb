package io.flumesentinel.fleet;

import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.ResourceHealth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

/**
 * One registered agent as {@link AgentListing} assembles it from its nodes and the ledger.
 * Immutable.
 *
 * @param node its agent node, {@code null} when that could not be read
 * @param since when the live node was created (UP), the health status began (STUCK, HUNG), or the
 *     last exit was seen (DOWN); {@code null} when unknown
 * @param firing the alerts firing for it in the ledger, by alert name
 */
public record ListedAgent(
    String id, AgentNode node, AgentState state, Instant since, List<Alert> firing) {

  public ListedAgent {
    firing = List.copyOf(firing);
  }

  /** Its host, or "" when its agent node could not be read. */
  public String host() {
    return node == null ? "" : node.host();
  }

  /** Its group, or "" when its agent node could not be read. */
  public String group() {
    return node == null ? "" : node.group();
  }

  /** The names of its firing alerts, sorted. */
  public List<String> firingNames() {
    return firing.stream().map(Alert::alertname).toList();
  }

  /**
   * What the command's {@code --json} and the API show of it alike: {@code id}, {@code host},
   * {@code group}, {@code labels}, {@code state}, {@code since}, {@code crashCount}, {@code
   * lastExit} ({@code code}, {@code signal}, {@code at}) and {@code health} ({@code status}, {@code
   * reason}, {@code since}, {@code flow}: the failing flow checks) and {@code resources} ({@code
   * memory} and {@code gc}, each {@code status}, {@code reason}, {@code since}); a value not known
   * is {@code null}. The stderr tail of the last exit stays out: it is for the alert, and may hold
   * more than a listing should.
   */
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("host", node == null ? null : node.host())
            .put("group", node == null ? null : node.group())
            .put(
                "labels",
                node == null ? null : new JsonObject(new TreeMap<String, Object>(node.labels())))
            .put("state", state.name())
            .put("since", since == null ? null : since.toString())
            .put("crashCount", node == null ? 0 : node.crashCount());
    ExitRecord exit = node == null ? null : node.lastExit();
    json.put(
        "lastExit",
        exit == null
            ? null
            : new JsonObject()
                .put("code", exit.code())
                .put("signal", exit.signal())
                .put("at", exit.at() == null ? null : exit.at().toString()));
    ResourceHealth resources = node == null ? null : node.resources();
    json.put("resources", resources == null ? null : resources.withoutDetails().toJson());
    Health health = node == null ? null : node.health();
    return json.put(
        "health",
        health == null
            ? null
            : new JsonObject()
                .put("status", health.status().name())
                .put("reason", health.reason())
                .put("since", health.since() == null ? null : health.since().toString())
                .put("flow", flow(health)));
  }

  /**
   * The failing flow checks: check, the alert it raises, component, reason, since and figures (the
   * output lines stay out, as the stderr tail does).
   */
  private static JsonArray flow(Health health) {
    JsonArray verdicts = new JsonArray();
    for (FlowVerdict verdict : health.flow()) {
      verdicts.add(
          new JsonObject()
              .put("check", verdict.check().name())
              .put("alertname", AgentAlerts.FLOW_ALERTS.get(verdict.check()))
              .put("component", verdict.component())
              .put("reason", verdict.reason())
              .put("since", verdict.since() == null ? null : verdict.since().toString())
              .put("figures", new JsonObject(new TreeMap<String, Object>(verdict.figures()))));
    }
    return verdicts;
  }
}
