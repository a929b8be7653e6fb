package io.flumesentinel.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * @param flow the flow checks failing now, one per check and component ({@link FlowVerdict}), at
 *     most {@value FlowVerdict#MAX_VERDICTS}; independent of {@code status}: an OK agent may have a
 *     stalled sink
 */
public record Health(
    Status status,
    String reason,
    Instant since,
    Map<String, String> details,
    List<FlowVerdict> flow) {

  private static final Logger log = LoggerFactory.getLogger(Health.class);

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
    flow =
        flow == null
            ? List.of()
            : List.copyOf(flow.subList(0, Math.min(flow.size(), FlowVerdict.MAX_VERDICTS)));
  }

  /** A health without failing flow checks. */
  public Health(Status status, String reason, Instant since, Map<String, String> details) {
    this(status, reason, since, details, List.of());
  }

  /** This health with {@code verdicts} as its failing flow checks. */
  public Health withFlow(List<FlowVerdict> verdicts) {
    return new Health(status, reason, since, details, verdicts);
  }

  /** Whether anything is wrong: an unhealthy status or a failing flow check. */
  public boolean troubled() {
    return status.unhealthy() || !flow.isEmpty();
  }

  public static Health ok(Instant since) {
    return new Health(Status.OK, "healthy", since, Map.of());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("status", status.name()).put("reason", reason);
    if (since != null) {
      json.put("since", since.toString());
    }
    json.put("details", new JsonObject(new TreeMap<String, Object>(details)));
    if (!flow.isEmpty()) {
      JsonArray verdicts = new JsonArray();
      flow.forEach(verdict -> verdicts.add(verdict.toJson()));
      json.put("flow", verdicts);
    }
    return json;
  }

  /**
   * Reads the {@code health} value of an agent node.
   *
   * <p>A {@code flow} entry that cannot be read (an unknown check, a bad component name) is left
   * out and logged; the rest of the health stays readable.
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
        Json.labels(json, "details", "health"),
        flow(json.getValue("flow")));
  }

  private static List<FlowVerdict> flow(Object value) throws NodeDataException {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new NodeDataException("health.flow must be an array");
    }
    List<FlowVerdict> verdicts = new ArrayList<>();
    for (int i = 0; i < array.size() && verdicts.size() < FlowVerdict.MAX_VERDICTS; i++) {
      try {
        verdicts.add(FlowVerdict.fromJson(array.getValue(i)));
      } catch (NodeDataException e) {
        log.warn("Agent node: ignoring a flow verdict ({})", e.getMessage());
      }
    }
    return verdicts;
  }
}
