package io.flumesentinel.protocol;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How the supervised Flume process uses its resources, as its supervisor measures them from the
 * outside ({@code /proc} and the JVM's own performance counters): the optional {@code resources}
 * object of the agent node, written when a verdict changes. Absent means nobody measures: treated
 * as OK. Older readers ignore the field.
 *
 * @param memory heap, resident memory and open file descriptors against their limits
 * @param gc the share of time the JVM spends in garbage collection
 */
public record ResourceHealth(Verdict memory, Verdict gc) {

  /** OK, or HIGH: a figure stayed over its threshold for the configured time. */
  public enum Status {
    OK,
    HIGH
  }

  /**
   * One verdict.
   *
   * @param reason one line a person can read, e.g. {@code heap 95% of 64 MB for 300000 ms}
   * @param since when the current status began
   * @param details the figures measured, e.g. {@code heapUsedBytes}, {@code rssBytes}
   */
  public record Verdict(Status status, String reason, Instant since, Map<String, String> details) {
    public Verdict {
      Objects.requireNonNull(status, "status");
      reason = reason == null ? "" : reason;
      details = Map.copyOf(details == null ? Map.of() : details);
    }

    public static Verdict ok(Instant since) {
      return new Verdict(Status.OK, "within limits", since, Map.of());
    }

    public boolean high() {
      return status == Status.HIGH;
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("status", status.name()).put("reason", reason);
      if (since != null) {
        json.put("since", since.toString());
      }
      return json.put("details", new JsonObject(new TreeMap<String, Object>(details)));
    }

    static Verdict fromJson(Object value, String what) throws NodeDataException {
      if (value == null) {
        return null;
      }
      if (!(value instanceof JsonObject json)) {
        throw new NodeDataException(what + " must be an object");
      }
      String status = Json.string(json, "status", what);
      Status parsed;
      try {
        parsed = Status.valueOf(String.valueOf(status).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new NodeDataException(
            what + ".status must be OK or HIGH, got '" + UntrustedText.line(status) + "'");
      }
      return new Verdict(
          parsed,
          Json.line(json, "reason", what),
          Json.instant(json, "since", what),
          Json.labels(json, "details", what));
    }
  }

  public ResourceHealth {
    memory = memory == null ? Verdict.ok(null) : memory;
    gc = gc == null ? Verdict.ok(null) : gc;
  }

  /** Whether some verdict is HIGH. */
  public boolean anyHigh() {
    return memory.high() || gc.high();
  }

  /** This with its details dropped (reasons kept), to fit a node's size limit. */
  public ResourceHealth withoutDetails() {
    return new ResourceHealth(
        new Verdict(memory.status(), memory.reason(), memory.since(), Map.of()),
        new Verdict(gc.status(), gc.reason(), gc.since(), Map.of()));
  }

  public JsonObject toJson() {
    return new JsonObject().put("memory", memory.toJson()).put("gc", gc.toJson());
  }

  /**
   * Reads the {@code resources} value of an agent node.
   *
   * @throws NodeDataException when it is not such an object
   */
  static ResourceHealth fromJson(Object value) throws NodeDataException {
    if (!(value instanceof JsonObject json)) {
      throw new NodeDataException("agent.resources must be an object");
    }
    return new ResourceHealth(
        Verdict.fromJson(json.getValue("memory"), "resources.memory"),
        Verdict.fromJson(json.getValue("gc"), "resources.gc"));
  }
}
