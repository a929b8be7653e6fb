package io.flumesentinel.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One flow check of one Flume component that failed, as its supervisor judged it from Flume's
 * metrics: an entry of the {@code health.flow} list of the agent node. The monitor turns each into
 * an alert of its own, resolved when the entry is gone.
 *
 * <p>Bounded where it is made, so a reader gets no more than a writer may write: the component name
 * matches {@link #COMPONENT_NAME}, the reason is one line, at most {@value #MAX_FIGURES} figures
 * (Prometheus label names, one-line values) and at most {@value #MAX_LINES} output lines, each one
 * line of at most {@value UntrustedText#MAX_VALUE_CHARS} characters.
 *
 * @param check which check failed
 * @param component the Flume component's name ({@code r1}, {@code c1}, {@code k1})
 * @param reason one line a person can read, with the figures that tripped the check
 * @param since when the condition began
 * @param figures what was measured, e.g. {@code channelSize}, {@code predictedFullInSeconds}
 * @param lines the last ERROR and WARN lines of the agent's output that concern the component,
 *     oldest first, secrets hidden
 */
public record FlowVerdict(
    Check check,
    String component,
    String reason,
    Instant since,
    Map<String, String> figures,
    List<String> lines) {

  /** A Flume component name as the protocol carries it (a znode-safe name, like an agent id). */
  public static final Pattern COMPONENT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  public static final int MAX_FIGURES = 16;
  public static final int MAX_LINES = 5;

  /** The most verdicts one health carries; a writer keeps the first, a reader reads no more. */
  public static final int MAX_VERDICTS = 16;

  /** The flow checks. */
  public enum Check {
    /** An opted-in source received nothing for the configured time. */
    SOURCE_IDLE,
    /** A sink drained nothing for the configured time while its channel held events. */
    SINK_STALLED,
    /** A channel's fill trend predicts it full within the configured time. */
    CHANNEL_FILLING,
    /** A component's error counters rose. */
    AGENT_ERRORS
  }

  public FlowVerdict {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(component, "component");
    if (!COMPONENT_NAME.matcher(component).matches()) {
      throw new IllegalArgumentException(
          "component '" + UntrustedText.line(component) + "' is not [A-Za-z0-9._-]{1,128}");
    }
    reason = reason == null ? "" : UntrustedText.line(reason);
    Map<String, String> kept = new TreeMap<>();
    if (figures != null) {
      for (Map.Entry<String, String> figure : new TreeMap<>(figures).entrySet()) {
        if (kept.size() < MAX_FIGURES && UntrustedText.isLabelName(figure.getKey())) {
          kept.put(figure.getKey(), UntrustedText.line(String.valueOf(figure.getValue())));
        }
      }
    }
    figures = Map.copyOf(kept);
    List<String> last = new ArrayList<>();
    if (lines != null) {
      for (String line : lines.subList(Math.max(0, lines.size() - MAX_LINES), lines.size())) {
        last.add(UntrustedText.line(line));
      }
    }
    lines = List.copyOf(last);
  }

  /** Which verdict this is: one per check and component. */
  public String key() {
    return check.name() + "/" + component;
  }

  /** This verdict without output lines (to fit a node). */
  public FlowVerdict withoutLines() {
    return new FlowVerdict(check, component, reason, since, figures, List.of());
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("check", check.name())
            .put("component", component)
            .put("reason", reason);
    if (since != null) {
      json.put("since", since.toString());
    }
    return json.put("figures", new JsonObject(new TreeMap<String, Object>(figures)))
        .put("lines", new JsonArray(new ArrayList<Object>(lines)));
  }

  /**
   * Reads one entry of {@code health.flow}.
   *
   * @throws NodeDataException when it is not a verdict of a known check about a valid component
   */
  static FlowVerdict fromJson(Object value) throws NodeDataException {
    if (!(value instanceof JsonObject json)) {
      throw new NodeDataException("health.flow entries must be objects");
    }
    String check = Json.string(json, "check", "health.flow");
    Check parsed;
    try {
      parsed = Check.valueOf(String.valueOf(check).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new NodeDataException(
          "health.flow.check '" + UntrustedText.line(String.valueOf(check)) + "' is not known");
    }
    String component = Json.string(json, "component", "health.flow");
    if (component == null || !COMPONENT_NAME.matcher(component).matches()) {
      throw new NodeDataException(
          "health.flow.component '"
              + UntrustedText.line(String.valueOf(component))
              + "' is not [A-Za-z0-9._-]{1,128}");
    }
    Object lines = json.getValue("lines");
    List<String> read = new ArrayList<>();
    if (lines instanceof JsonArray array) {
      int from = Math.max(0, array.size() - MAX_LINES);
      for (int i = from; i < array.size(); i++) {
        read.add(String.valueOf(array.getValue(i)));
      }
    } else if (lines != null) {
      throw new NodeDataException("health.flow.lines must be an array of strings");
    }
    return new FlowVerdict(
        parsed,
        component,
        Json.line(json, "reason", "health.flow"),
        Json.instant(json, "since", "health.flow"),
        Json.labels(json, "figures", "health.flow"),
        read);
  }
}
