package io.flumesentinel.history;

import io.flumesentinel.protocol.UntrustedText;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of the notification history: an alert transition, or what one delivery attempt came to
 * for one of the transitions it carried. Immutable. Every text is bounded and on one line when the
 * record is made, since labels come from ZooKeeper and errors from receivers: what is stored and
 * shown is at most {@value #MAX_ERROR_CHARS} characters of error and {@value
 * UntrustedText#MAX_VALUE_CHARS} of any other value.
 *
 * @param id the same for the same entry wherever it is made, so that it is stored once
 * @param at when the transition happened (its start, or its end for a resolution), or when the
 *     attempt ended
 * @param agent {@code null} for an alert about the monitor itself
 * @param status the transition's {@code firing} or {@code resolved}
 * @param startsAt the start of the alert's incident: with the fingerprint, which incident it is
 * @param receiver for a delivery; {@code null} for a transition
 * @param target for a delivery: the target tried, without secrets
 * @param outcome for a delivery: {@code delivered}, {@code skipped}, {@code failed} or {@code
 *     rejected}; for a transition {@code silenced} when silences muted it, else {@code null}
 * @param code for a delivery: the HTTP status or SMTP reply code, {@code null} when none came
 * @param latencyMs for a delivery: how long the attempt took
 * @param error for a failed or rejected delivery: what went wrong, without secrets
 */
public record HistoryRecord(
    String id,
    Instant at,
    Kind kind,
    String agent,
    String alertname,
    String fingerprint,
    String status,
    Instant startsAt,
    String receiver,
    String target,
    String outcome,
    Integer code,
    Long latencyMs,
    String error) {

  /** The longest error text kept. */
  public static final int MAX_ERROR_CHARS = 1024;

  /** The longest id kept: a delivery's is an attempt id and an index. */
  static final int MAX_ID_CHARS = 128;

  /** What a record is of. */
  public enum Kind {
    TRANSITION,
    DELIVERY;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not a kind's wire name
     */
    public static Kind fromWire(String text) {
      for (Kind kind : values()) {
        if (kind.wire().equals(text)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("not a kind: " + text);
    }
  }

  public HistoryRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    id = UntrustedText.cut(id, MAX_ID_CHARS);
    agent = UntrustedText.line(agent);
    alertname = UntrustedText.line(alertname);
    fingerprint = UntrustedText.line(fingerprint);
    status = UntrustedText.line(status);
    receiver = UntrustedText.line(receiver);
    target = UntrustedText.line(target);
    outcome = UntrustedText.line(outcome);
    error = error == null || error.isEmpty() ? null : oneLine(error);
  }

  /**
   * The record as {@code GET /api/history} shows it: {@code at}, {@code kind}, {@code agent},
   * {@code alertname}, {@code fingerprint}, {@code status}, {@code startsAt}, {@code receiver},
   * {@code target}, {@code outcome}, {@code code}, {@code latencyMs}, {@code error} ({@code null}
   * where they do not apply).
   */
  public JsonObject toJson() {
    return new JsonObject()
        .put("at", at.toString())
        .put("kind", kind.wire())
        .put("agent", agent)
        .put("alertname", alertname)
        .put("fingerprint", fingerprint)
        .put("status", status)
        .put("startsAt", startsAt == null ? null : startsAt.toString())
        .put("receiver", receiver)
        .put("target", target)
        .put("outcome", outcome)
        .put("code", code)
        .put("latencyMs", latencyMs)
        .put("error", error);
  }

  private static String oneLine(String text) {
    // Cut first, so that cleaning costs little whatever arrives.
    String start = UntrustedText.cut(text, MAX_ERROR_CHARS * 2);
    String flat = UntrustedText.lines(start, start.length()).replace('\n', ' ').replace('\t', ' ');
    return UntrustedText.cut(flat, MAX_ERROR_CHARS);
  }
}
