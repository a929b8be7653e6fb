package io.flumesentinel.event;

import io.flumesentinel.protocol.IsoInstant;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One alert transition, in Alertmanager's alert form, immutable.
 *
 * <p>The {@link #fingerprint()} is derived from the labels exactly as Alertmanager derives it
 * (FNV-1a 64 over the sorted label pairs), so the same agent keeps the same fingerprint across
 * incidents; an incident is told apart by its {@link #startsAt()}. Receivers that de-duplicate use
 * the pair.
 *
 * @param endsAt {@code null} while firing
 */
public record Alert(
    Status status,
    SortedMap<String, String> labels,
    SortedMap<String, String> annotations,
    Instant startsAt,
    Instant endsAt,
    String generatorUrl) {

  public enum Status {
    FIRING,
    RESOLVED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static final String ALERTNAME = "alertname";
  public static final String AGENT = "agent";

  /** The label naming the Flume component an alert of a flow check is about ({@code k1}). */
  public static final String COMPONENT = "component";

  /** The label naming the monitor instance on alerts about the monitor itself, not an agent. */
  public static final String MONITOR = "monitor";

  /** Alertmanager's "zero" time, sent as {@code endsAt} of firing alerts. */
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  public Alert {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startsAt, "startsAt");
    labels = unmodifiable(labels);
    annotations = unmodifiable(annotations);
    Objects.requireNonNull(labels.get(ALERTNAME), "labels.alertname");
    if (labels.get(AGENT) == null && labels.get(MONITOR) == null) {
      throw new NullPointerException("labels.agent (or labels.monitor)");
    }
    generatorUrl = generatorUrl == null ? "" : generatorUrl;
  }

  public String alertname() {
    return labels.get(ALERTNAME);
  }

  /** The agent the alert is about; {@code null} for an alert about the monitor itself. */
  public String agent() {
    return labels.get(AGENT);
  }

  /** What the alert is about, as a person names it: the agent, or else the monitor instance. */
  public String subject() {
    String agent = labels.get(AGENT);
    return agent != null ? agent : labels.get(MONITOR);
  }

  public boolean firing() {
    return status == Status.FIRING;
  }

  /**
   * The identity of the alert in the ledger and in queues: one per alert name and agent (or monitor
   * instance), and per component for an alert with a {@link #COMPONENT} label ({@code
   * FlumeSinkStalled.a1@k1}: an agent id never holds an {@code @}).
   */
  public String key() {
    String component = labels.get(COMPONENT);
    return alertname() + "." + subject() + (component == null ? "" : "@" + component);
  }

  public String annotation(String name) {
    return annotations.get(name);
  }

  public String fingerprint() {
    long hash = 0xcbf29ce484222325L;
    for (Map.Entry<String, String> label : labels.entrySet()) {
      hash = fnv(hash, label.getKey());
      hash = fnvSeparator(hash);
      hash = fnv(hash, label.getValue());
      hash = fnvSeparator(hash);
    }
    // Not String.format: its parsing of the pattern showed in a storm's profile.
    String hex = Long.toHexString(hash);
    return "0".repeat(16 - hex.length()) + hex;
  }

  /** This alert, resolved at {@code at}, with extra annotations (such as how it ended). */
  public Alert resolve(Instant at, Map<String, String> extraAnnotations) {
    TreeMap<String, String> merged = new TreeMap<>(annotations);
    merged.putAll(extraAnnotations);
    return new Alert(Status.RESOLVED, labels, merged, startsAt, at, generatorUrl);
  }

  /** This alert with another start, keeping everything else. */
  public Alert withStartsAt(Instant start) {
    return new Alert(status, labels, annotations, start, endsAt, generatorUrl);
  }

  /** The alert object of Alertmanager's webhook payload (and of the public event-bus address). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("status", status.wire())
        .put("labels", new JsonObject(new TreeMap<String, Object>(labels)))
        .put("annotations", new JsonObject(new TreeMap<String, Object>(annotations)))
        .put("startsAt", startsAt.toString())
        .put("endsAt", endsAt == null ? ZERO_TIME : endsAt.toString())
        .put("generatorURL", generatorUrl)
        .put("fingerprint", fingerprint());
  }

  public static Alert fromJson(JsonObject json) {
    String endsAt = json.getString("endsAt");
    return new Alert(
        Status.valueOf(json.getString("status").toUpperCase(java.util.Locale.ROOT)),
        strings(json.getJsonObject("labels")),
        strings(json.getJsonObject("annotations")),
        IsoInstant.parse(json.getString("startsAt")),
        endsAt == null || endsAt.equals(ZERO_TIME) ? null : IsoInstant.parse(endsAt),
        json.getString("generatorURL"));
  }

  private static SortedMap<String, String> strings(JsonObject json) {
    TreeMap<String, String> map = new TreeMap<>();
    if (json != null) {
      json.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return map;
  }

  private static SortedMap<String, String> unmodifiable(SortedMap<String, String> map) {
    return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(map == null ? Map.of() : map));
  }

  private static long fnvSeparator(long hash) {
    return (hash ^ 0xff) * 0x100000001b3L;
  }

  private static long fnv(long hash, String text) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= (b & 0xff);
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
