package io.flumesentinel.protocol;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a running agent is doing, as its supervisor judges it from Flume's own metrics: the optional
 * {@code health} object of the agent node. Absent means nobody judges (or nothing is known):
 * treated as OK.
 *
 * @param status OK, STUCK (a channel stays full: nothing is delivered) or HUNG (the metrics
 *     endpoint stopped answering while the process runs)
 * @param reason one line a person can read
 * @param since when the current status began (the start of the condition, not of its report)
 * @param details what was measured, e.g. {@code channel}, {@code fillPercent}
 */
public record Health(Status status, String reason, Instant since, Map<String, String> details) {

  public enum Status {
    OK,
    STUCK,
    HUNG;

    /** Whether this status is a problem worth an alert. */
    public boolean unhealthy() {
      return this != OK;
    }
  }

  public Health {
    java.util.Objects.requireNonNull(status, "status");
    reason = reason == null ? "" : reason;
    details = Map.copyOf(details == null ? Map.of() : details);
  }

  public static Health ok(Instant since) {
    return new Health(Status.OK, "healthy", since, Map.of());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("status", status.name()).put("reason", reason);
    if (since != null) {
      json.put("since", since.toString());
    }
    return json.put("details", new JsonObject(new TreeMap<String, Object>(details)));
  }

  /**
   * Reads the {@code health} value of an agent node.
   *
   * @throws NodeDataException when it is not a health object with a known status
   */
  static Health fromJson(Object value) throws NodeDataException {
    if (!(value instanceof JsonObject json)) {
      throw new NodeDataException("agent.health must be an object");
    }
    String status = Json.string(json, "status", "health");
    if (status == null) {
      throw new NodeDataException("health.status is missing");
    }
    Status parsed;
    try {
      parsed = Status.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new NodeDataException(
          "health.status must be OK, STUCK or HUNG, got '" + UntrustedText.line(status) + "'");
    }
    return new Health(
        parsed,
        Json.line(json, "reason", "health"),
        Json.instant(json, "since", "health"),
        Json.labels(json, "details", "health"));
  }
}
