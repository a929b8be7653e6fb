package io.flumesentinel.dashboard;

import io.flumesentinel.protocol.UntrustedText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What changed since the last tick sent to the dashboards: which views to refresh ({@link Topic}),
 * and the latest lifecycle event of each agent and the latest transition of each alert, so that a
 * page can show a change before it has read the views again.
 *
 * <p>Bounded: at most {@value #MAX_ITEMS} agents and {@value #MAX_ITEMS} alerts are named; past
 * that, a tick says {@code "more": true} (refresh everything) instead of growing, so a storm of
 * thousands of changes costs one tick of a few kilobytes. Every text is one line of at most {@link
 * UntrustedText#MAX_VALUE_CHARS} characters. Pure; used from one thread.
 */
final class ChangeBatch {

  /** Agents (and alerts) named in one tick at most. */
  static final int MAX_ITEMS = 100;

  /** The views a tick asks a page to refresh. */
  enum Topic {
    AGENTS,
    ALERTS,
    SILENCES;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final EnumSet<Topic> topics = EnumSet.noneOf(Topic.class);
  private final Map<String, JsonObject> agents = new LinkedHashMap<>();
  private final Map<String, JsonObject> alerts = new LinkedHashMap<>();
  private boolean more;

  /** A lifecycle event as published on {@code flume.sentinel.events}. */
  void lifecycle(JsonObject event) {
    topics.add(Topic.AGENTS);
    String agent = text(event.getValue("agent"));
    if (agent == null) {
      return;
    }
    put(
        agents,
        agent,
        new JsonObject()
            .put("type", text(event.getValue("type")))
            .put("at", text(event.getValue("at"))));
  }

  /** An alert transition as published on {@code flume.sentinel.alerts}. */
  void alert(JsonObject alert) {
    topics.add(Topic.ALERTS);
    topics.add(Topic.AGENTS);
    String fingerprint = text(alert.getValue("fingerprint"));
    if (fingerprint == null) {
      return;
    }
    JsonObject labels = object(alert.getValue("labels"));
    JsonObject annotations = object(alert.getValue("annotations"));
    Object silencedBy = alert.getValue("silencedBy");
    put(
        alerts,
        fingerprint,
        new JsonObject()
            .put("fingerprint", fingerprint)
            .put("alertname", text(labels.getValue("alertname")))
            .put("agent", text(labels.getValue("agent")))
            .put("status", text(alert.getValue("status")))
            .put("reason", text(annotations.getValue("reason")))
            .put("silenced", silencedBy instanceof JsonArray ids && !ids.isEmpty()));
  }

  /** What the silences mute may have changed. */
  void silences() {
    topics.add(Topic.SILENCES);
    topics.add(Topic.ALERTS);
  }

  /** Asks for a refresh of everything, as after a tick the client could not take. */
  void everything() {
    topics.addAll(EnumSet.allOf(Topic.class));
    more = true;
  }

  boolean isEmpty() {
    return topics.isEmpty();
  }

  /**
   * The tick, {@code {"topics":[...],"agents":{id:{"type","at"}},"alerts":[...],"more":bool}}; the
   * batch is empty afterwards.
   */
  JsonObject take() {
    JsonArray names = new JsonArray();
    topics.forEach(topic -> names.add(topic.wire()));
    JsonObject tick =
        new JsonObject()
            .put("topics", names)
            .put("agents", new JsonObject(new LinkedHashMap<>(agents)))
            .put("alerts", new JsonArray(java.util.List.copyOf(alerts.values())))
            .put("more", more);
    topics.clear();
    agents.clear();
    alerts.clear();
    more = false;
    return tick;
  }

  private void put(Map<String, JsonObject> items, String key, JsonObject value) {
    if (items.containsKey(key) || items.size() < MAX_ITEMS) {
      items.remove(key);
      items.put(key, value);
    } else {
      more = true;
    }
  }

  private static JsonObject object(Object value) {
    return value instanceof JsonObject object ? object : new JsonObject();
  }

  private static String text(Object value) {
    return value == null ? null : UntrustedText.line(String.valueOf(value));
  }
}
