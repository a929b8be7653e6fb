package io.flumesentinel.event;

import io.flumesentinel.protocol.IsoInstant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One attempt of a notifier to hand a batch of alert transitions to one target of its receiver, as
 * published on {@link Addresses#DELIVERIES}: a success, a failure that will be retried, or a
 * refusal that will not. Immutable; its JSON form is what crosses the event bus.
 *
 * @param id unique to this attempt, so that whoever receives it twice keeps it once
 * @param receiver the receiver's name
 * @param target the target tried, named without secrets (a URL's origin, a mail server)
 * @param at when the attempt ended
 * @param latencyMs how long the attempt took, from the request to the answer (or the failure)
 * @param code the HTTP status or SMTP reply code; 0 when no answer came
 * @param error for a failure, what went wrong, without secrets; empty otherwise
 * @param alerts the transitions the attempt carried
 */
public record DeliveryAttempt(
    String id,
    String receiver,
    String target,
    Instant at,
    long latencyMs,
    Outcome outcome,
    int code,
    String error,
    List<AlertRef> alerts) {

  /** What the attempt came to. */
  public enum Outcome {
    /** The receiver accepted the batch. */
    DELIVERED,
    /** Nothing needed sending (the receiver asked not to be told of these transitions). */
    SKIPPED,
    /** Failed; the batch goes to the next target, or again after a back-off. */
    FAILED,
    /** Refused for good (a 4xx over HTTP, a 5xx over SMTP); not retried. */
    REJECTED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Outcome fromWire(String text) {
      return valueOf(text.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * Which transition of which alert: enough to find it again, not the whole alert.
   *
   * @param agent {@code null} for an alert about the monitor itself
   * @param status {@code firing} or {@code resolved}
   */
  public record AlertRef(
      String agent, String alertname, String fingerprint, String status, Instant startsAt) {

    public static AlertRef of(Alert alert) {
      return new AlertRef(
          alert.agent(),
          alert.alertname(),
          alert.fingerprint(),
          alert.status().wire(),
          alert.startsAt());
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("agent", agent)
          .put("alertname", alertname)
          .put("fingerprint", fingerprint)
          .put("status", status)
          .put("startsAt", startsAt.toString());
    }

    static AlertRef fromJson(JsonObject json) {
      return new AlertRef(
          json.getString("agent"),
          json.getString("alertname"),
          json.getString("fingerprint"),
          json.getString("status"),
          IsoInstant.parse(json.getString("startsAt")));
    }
  }

  public DeliveryAttempt {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
    error = error == null ? "" : error;
    alerts = List.copyOf(alerts);
  }

  public JsonObject toJson() {
    JsonArray refs = new JsonArray();
    alerts.forEach(ref -> refs.add(ref.toJson()));
    return new JsonObject()
        .put("id", id)
        .put("receiver", receiver)
        .put("target", target)
        .put("at", at.toString())
        .put("latencyMs", latencyMs)
        .put("outcome", outcome.wire())
        .put("code", code)
        .put("error", error)
        .put("alerts", refs);
  }

  /**
   * @throws RuntimeException (such as {@link IllegalArgumentException}, {@link
   *     java.time.format.DateTimeParseException}, {@link NullPointerException} or {@link
   *     ClassCastException}) when {@code json} is not an attempt's JSON
   */
  public static DeliveryAttempt fromJson(JsonObject json) {
    List<AlertRef> refs = new ArrayList<>();
    for (Object each : json.getJsonArray("alerts")) {
      refs.add(AlertRef.fromJson((JsonObject) each));
    }
    return new DeliveryAttempt(
        json.getString("id"),
        json.getString("receiver"),
        json.getString("target"),
        IsoInstant.parse(json.getString("at")),
        json.getLong("latencyMs"),
        Outcome.fromWire(json.getString("outcome")),
        json.getInteger("code"),
        json.getString("error"),
        refs);
  }
}
