package io.flumesentinel.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

/** Tolerant readers for node JSON: unknown fields are ignored, wrong types are named. */
final class Json {

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
      return Instant.parse(value.toString());
    } catch (DateTimeParseException e) {
      throw new NodeDataException(what + "." + key + " is not an ISO-8601 instant: " + value);
    }
  }

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
    for (Map.Entry<String, Object> e : object) {
      labels.put(e.getKey(), String.valueOf(e.getValue()));
    }
    return labels;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
