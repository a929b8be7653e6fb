package io.flumesentinel.ack;

import io.flumesentinel.protocol.UntrustedText;
import io.flumesentinel.protocol.ZkLayout;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Someone took a firing alert in hand: its reminders stop until it resolves. Stored as JSON in
 * {@code <root>/acks/<fingerprint>}: {@code {"by", "comment", "at", "startsAt"}}, where {@code
 * startsAt} names the incident acknowledged, so an acknowledgement never carries over to the next
 * incident of the same alert. Immutable.
 *
 * <p>Whoever can write to ZooKeeper or holds the write token writes these values: {@code by} is one
 * line of at most {@value #MAX_BY_CHARS} characters and {@code comment} one line of at most {@link
 * UntrustedText#MAX_VALUE_CHARS}, control characters removed, both when created and when read; a
 * stored acknowledgement over {@value #MAX_STORED_BYTES} bytes is not read.
 *
 * @param fingerprint the alert's fingerprint, the znode's name
 * @param startsAt the start of the incident acknowledged
 * @param by who acknowledged it
 * @param comment why, or what is being done; may be empty
 * @param at when it was acknowledged
 */
public record Ack(String fingerprint, Instant startsAt, String by, String comment, Instant at) {

  /** The longest {@code by} kept. */
  public static final int MAX_BY_CHARS = 128;

  /** The largest stored acknowledgement read; those written here take well under 2 KiB. */
  public static final int MAX_STORED_BYTES = 4096;

  public Ack {
    if (!ZkLayout.isFingerprint(fingerprint)) {
      throw new IllegalArgumentException(
          "'"
              + UntrustedText.cut(UntrustedText.line(String.valueOf(fingerprint)), 64)
              + "' is not an alert fingerprint (16 hexadecimal digits)");
    }
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(at, "at");
    by = UntrustedText.cut(UntrustedText.line(by == null ? "" : by).strip(), MAX_BY_CHARS);
    comment = UntrustedText.line(comment == null ? "" : comment).strip();
    if (by.isEmpty()) {
      throw new IllegalArgumentException("who acknowledges it (by) is empty");
    }
  }

  /** What is stored, and what the API answers with the fingerprint added. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("by", by)
        .put("comment", comment)
        .put("at", at.toString())
        .put("startsAt", startsAt.toString());
  }

  /** {@code {"by", "comment", "at"}}: the {@code acknowledgedBy} of an alert in the API. */
  public JsonObject shown() {
    return new JsonObject().put("by", by).put("comment", comment).put("at", at.toString());
  }

  public byte[] toBytes() {
    return toJson().encode().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a stored acknowledgement; {@code fingerprint} is its znode's name.
   *
   * @throws IllegalArgumentException with one line naming what is wrong
   */
  public static Ack parse(String fingerprint, byte[] data) {
    if (data == null || data.length > MAX_STORED_BYTES) {
      throw new IllegalArgumentException(
          "takes "
              + (data == null ? 0 : data.length)
              + " bytes; an acknowledgement is at most "
              + MAX_STORED_BYTES);
    }
    JsonObject json;
    try {
      json = new JsonObject(new String(data, StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return new Ack(
        fingerprint,
        instant(json, "startsAt"),
        string(json, "by"),
        string(json, "comment"),
        instant(json, "at"));
  }

  private static String string(JsonObject json, String key) {
    Object value = json.getValue(key);
    return value == null ? "" : value.toString();
  }

  private static Instant instant(JsonObject json, String key) {
    if (json.getValue(key) instanceof String text) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        // named below
      }
    }
    throw new IllegalArgumentException(key + " must be an ISO-8601 instant");
  }
}
