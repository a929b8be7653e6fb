package io.flumesentinel.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tolerant readers for node JSON: unknown fields are ignored, wrong types are named. Whoever can
 * write to ZooKeeper writes this data, so what is read is made safe to carry ({@link
 * UntrustedText}): strings are one line each and bounded, label names are Prometheus label names,
 * and a node holds at most {@link #MAX_LABELS} labels.
 */
final class Json {

  /** Most labels (or health details) kept of one node; the first by name are kept. */
  static final int MAX_LABELS = 64;

  private static final Logger log = LoggerFactory.getLogger(Json.class);

  private Json() {}

  static JsonObject parse(byte[] data, String what) throws NodeDataException {
    if (data == null || data.length == 0) {
      throw new NodeDataException(what + " node has no data");
    }
    try {
      return new JsonObject(new String(data, StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      throw new NodeDataException(
          what
              + " node data is not a JSON object ("
              + data.length
              + " bytes): "
              + firstLine(e.getMessage()));
    }
  }

  static byte[] bytes(JsonObject json) {
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }

  static String string(JsonObject json, String key, String what) throws NodeDataException {
    Object value = json.getValue(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new NodeDataException(what + "." + key + " must be a string");
    }
    return s;
  }

  /** A string value as one bounded line ({@link UntrustedText#line}). */
  static String line(JsonObject json, String key, String what) throws NodeDataException {
    return UntrustedText.line(string(json, key, what));
  }

  static Long number(JsonObject json, String key, String what) throws NodeDataException {
    Object value = json.getValue(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n)) {
      throw new NodeDataException(what + "." + key + " must be a number");
    }
    return n.longValue();
  }

  static Instant instant(JsonObject json, String key, String what) throws NodeDataException {
    Object value = json.getValue(key);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n) {
      return Instant.ofEpochMilli(n.longValue());
    }
    try {
      return IsoInstant.parse(value.toString());
    } catch (DateTimeParseException e) {
      throw new NodeDataException(
          what
              + "."
              + key
              + " is not an ISO-8601 instant: "
              + UntrustedText.line(value.toString()));
    }
  }

  /**
   * An object of strings as labels: each value one bounded line; a name that is not a Prometheus
   * label name renamed ({@link UntrustedText#labelName}), or dropped when that name is taken or
   * nothing is left of it; past {@link #MAX_LABELS}, the rest dropped. Each rename or drop is
   * logged.
   */
  static Map<String, String> labels(JsonObject json, String key, String what)
      throws NodeDataException {
    Object value = json.getValue(key);
    Map<String, String> labels = new TreeMap<>();
    if (value == null) {
      return labels;
    }
    if (!(value instanceof JsonObject object)) {
      throw new NodeDataException(what + "." + key + " must be an object of strings");
    }
    // Names already valid first, so that a renamed one never replaces a label as written.
    TreeMap<String, Object> valid = new TreeMap<>();
    TreeMap<String, Object> invalid = new TreeMap<>();
    for (Map.Entry<String, Object> e : object) {
      (UntrustedText.isLabelName(e.getKey()) ? valid : invalid).put(e.getKey(), e.getValue());
    }
    valid.forEach((name, v) -> put(labels, name, name, v, what + "." + key));
    invalid.forEach(
        (name, v) -> put(labels, name, UntrustedText.labelName(name), v, what + "." + key));
    return labels;
  }

  private static void put(
      Map<String, String> labels, String written, String name, Object value, String where) {
    String shown = "'" + UntrustedText.line(written) + "'";
    if (name == null) {
      log.warn("{}: dropped the label {}: nothing of its name is a label name", where, shown);
    } else if (labels.containsKey(name)) {
      log.warn(
          "{}: dropped the label {}: renamed, it would be {}, which is taken", where, shown, name);
    } else if (labels.size() >= MAX_LABELS) {
      log.warn("{}: dropped the label {}: a node keeps at most {}", where, shown, MAX_LABELS);
    } else {
      if (!name.equals(written)) {
        log.warn("{}: renamed the label {} to {}, a Prometheus label name", where, shown, name);
      }
      labels.put(name, UntrustedText.line(String.valueOf(value)));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return UntrustedText.cut(UntrustedText.line(line), 200);
  }
}
