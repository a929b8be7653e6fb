package io.flumesentinel.history;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.DeliveryAttempt;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what the monitor publishes into history records: a transition on {@code
 * flume.sentinel.alerts} into one, a delivery attempt on {@code flume.sentinel.deliveries} into one
 * per transition it carried. Pure functions.
 *
 * <p>A transition's id is made of what makes it one (the alert's fingerprint, its status, its start
 * and end), so a transition published again (after a restart, by a new leader) is stored once; a
 * delivery's id is its attempt's id and the transition's place in the batch.
 */
final class HistoryRecords {

  private HistoryRecords() {}

  /**
   * The record of one transition in its public JSON form.
   *
   * @throws RuntimeException when {@code json} is not an alert's JSON
   */
  static HistoryRecord transition(JsonObject json) {
    Alert alert = Alert.fromJson(json);
    JsonArray silencedBy = json.getJsonArray("silencedBy");
    String id =
        "t:"
            + alert.fingerprint()
            + ":"
            + alert.status().wire()
            + ":"
            + alert.startsAt()
            + ":"
            + (alert.endsAt() == null ? "" : alert.endsAt());
    return new HistoryRecord(
        id,
        alert.firing() || alert.endsAt() == null ? alert.startsAt() : alert.endsAt(),
        HistoryRecord.Kind.TRANSITION,
        alert.agent(),
        alert.alertname(),
        alert.fingerprint(),
        alert.status().wire(),
        alert.startsAt(),
        null,
        null,
        silencedBy == null || silencedBy.isEmpty() ? null : "silenced",
        null,
        null,
        null);
  }

  /**
   * The records of one delivery attempt in its public JSON form, one per transition it carried.
   *
   * @throws RuntimeException when {@code json} is not an attempt's JSON
   */
  static List<HistoryRecord> deliveries(JsonObject json) {
    DeliveryAttempt attempt = DeliveryAttempt.fromJson(json);
    List<HistoryRecord> records = new ArrayList<>(attempt.alerts().size());
    int index = 0;
    for (DeliveryAttempt.AlertRef alert : attempt.alerts()) {
      records.add(
          new HistoryRecord(
              "d:" + attempt.id() + ":" + index++,
              attempt.at(),
              HistoryRecord.Kind.DELIVERY,
              alert.agent(),
              alert.alertname(),
              alert.fingerprint(),
              alert.status(),
              alert.startsAt(),
              attempt.receiver(),
              attempt.target(),
              attempt.outcome().wire(),
              attempt.code() == 0 ? null : attempt.code(),
              attempt.latencyMs(),
              attempt.error()));
    }
    return records;
  }
}
