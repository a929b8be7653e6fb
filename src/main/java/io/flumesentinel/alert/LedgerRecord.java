package io.flumesentinel.alert;

import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.IsoInstant;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert record of the ledger as stored in {@code <root>/alerts/<key>}, immutable: {@code
 * {"alert": {…}, "sent": {receiver: "firing"|"resolved"}, "notifiedAt": {receiver: ISO-8601}}}. The
 * one reader and writer of that format, for the ledger and for whoever shows its contents (the HTTP
 * API, state requests). Reading is tolerant: a record written before {@code notifiedAt} existed, or
 * with a time that does not parse, reads as one without it for those receivers.
 *
 * @param sent receiver → the status it acknowledged for this incident
 * @param notifiedAt receiver → when it last acknowledged the firing notice
 */
public record LedgerRecord(Alert alert, Map<String, String> sent, Map<String, Instant> notifiedAt) {

  public LedgerRecord {
    sent = Map.copyOf(sent);
    notifiedAt = Map.copyOf(notifiedAt);
  }

  /**
   * @throws RuntimeException (a JSON decoding or illegal-argument exception) when {@code data} is
   *     not a ledger record
   */
  public static LedgerRecord parse(byte[] data) {
    JsonObject json = new JsonObject(new String(data, StandardCharsets.UTF_8));
    Alert alert = Alert.fromJson(json.getJsonObject("alert"));
    Map<String, String> sent = new HashMap<>();
    json.getJsonObject("sent", new JsonObject())
        .forEach(e -> sent.put(e.getKey(), String.valueOf(e.getValue())));
    Map<String, Instant> notifiedAt = new HashMap<>();
    if (json.getValue("notifiedAt") instanceof JsonObject notified) {
      notified.forEach(
          e -> {
            try {
              notifiedAt.put(e.getKey(), IsoInstant.parse(String.valueOf(e.getValue())));
            } catch (DateTimeParseException ignored) {
              // as if never recorded: the repeat interval then starts when the entry is loaded
            }
          });
    }
    return new LedgerRecord(alert, sent, notifiedAt);
  }

  /**
   * The record as stored, receivers in name order, its alert {@link RecordLimits fitted} to the
   * bounds of a record (as the ledger keeps every alert already).
   */
  public byte[] toBytes() {
    JsonObject notifiedJson = new JsonObject();
    new TreeMap<>(notifiedAt).forEach((receiver, at) -> notifiedJson.put(receiver, at.toString()));
    return new JsonObject()
        .put("alert", RecordLimits.fit(alert).toJson())
        .put("sent", sentJson())
        .put("notifiedAt", notifiedJson)
        .encode()
        .getBytes(StandardCharsets.UTF_8);
  }

  /** {@link #sent} as JSON, as the record holds it, receivers in name order. */
  public JsonObject sentJson() {
    JsonObject json = new JsonObject();
    new TreeMap<>(sent).forEach(json::put);
    return json;
  }
}
