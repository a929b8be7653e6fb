package io.flumesentinel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One mapping of the YAML tree together with its key path, so every accessor can report problems as
 * {@code receivers[1].backoff.multiplier: ...}.
 *
 * <p>A key that is absent or has no value ({@code key:} or {@code key: null}) takes its default.
 */
final class YamlSection {

  private final JsonNode node;
  private final String path;

  private YamlSection(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** The top of a document; an empty document is an empty mapping. */
  static YamlSection root(JsonNode document, String origin) {
    if (isAbsent(document)) {
      return new YamlSection(MissingNode.getInstance(), "");
    }
    if (!document.isObject()) {
      throw new ConfigException(
          origin, "the top level must be a mapping of keys, got " + describe(document));
    }
    return new YamlSection(document, "");
  }

  /** The full key path of {@code name} in this section. */
  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** Fails on the first key not in {@code known}, suggesting the closest known key. */
  YamlSection allowOnly(Set<String> known) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        String hint =
            Spelling.closest(name, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
        throw new ConfigException(key(name), "unknown key" + hint);
      }
    }
    return this;
  }

  /** Whether {@code name} is given with a value. */
  boolean has(String name) {
    return !isAbsent(node.get(name));
  }

  YamlSection section(String name) {
    JsonNode value = node.get(name);
    if (isAbsent(value)) {
      return new YamlSection(MissingNode.getInstance(), key(name));
    }
    if (!value.isObject()) {
      throw new ConfigException(key(name), "must be a mapping of keys, got " + describe(value));
    }
    return new YamlSection(value, key(name));
  }

  /** The mappings of a list such as {@code receivers}, each with its index in the key path. */
  List<YamlSection> sections(String name) {
    List<YamlSection> sections = new ArrayList<>();
    JsonNode list = list(name);
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      String itemKey = key(name) + "[" + i + "]";
      if (item == null || !item.isObject()) {
        throw new ConfigException(itemKey, "must be a mapping of keys, got " + describe(item));
      }
      sections.add(new YamlSection(item, itemKey));
    }
    return sections;
  }

  /** A list of plain values; element {@code i} is reported as {@code name[i]}. */
  List<String> strings(String name) {
    List<String> strings = new ArrayList<>();
    JsonNode list = list(name);
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      if (item == null || !item.isValueNode() || item.isNull()) {
        throw new ConfigException(
            key(name) + "[" + i + "]", "must be a plain value, got " + describe(item));
      }
      strings.add(item.asText());
    }
    return strings;
  }

  /** A mapping of plain values such as {@code match: { group: ingest }}, in file order. */
  Map<String, String> stringMap(String name) {
    YamlSection map = section(name);
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<String> names = map.node.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      values.put(field, map.string(field).orElse(""));
    }
    return values;
  }

  Optional<String> string(String name) {
    JsonNode value = node.get(name);
    if (isAbsent(value)) {
      return Optional.empty();
    }
    if (!value.isValueNode()) {
      throw new ConfigException(key(name), "must be a plain value, got " + describe(value));
    }
    return Optional.of(value.asText());
  }

  String string(String name, String defaultValue) {
    return string(name).orElse(defaultValue);
  }

  /** A whole number in {@code [min, max]}; quoted numbers are accepted too. */
  long integer(String name, long defaultValue, long min, long max) {
    JsonNode value = node.get(name);
    if (isAbsent(value)) {
      return defaultValue;
    }
    long number;
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      number = value.asLong();
    } else if (value.isTextual() && value.asText().strip().matches("[+-]?[0-9]{1,18}")) {
      number = Long.parseLong(value.asText().strip());
    } else {
      throw new ConfigException(key(name), "must be a whole number, got " + describe(value));
    }
    return ConfigChecks.inRange(key(name), number, min, max);
  }

  /**
   * A duration in {@code [min, max]} written as {@link ConfigChecks#duration} reads it ({@code
   * 30s}, {@code 4h}, …).
   */
  java.time.Duration duration(
      String name,
      java.time.Duration defaultValue,
      java.time.Duration min,
      java.time.Duration max) {
    JsonNode value = node.get(name);
    if (isAbsent(value)) {
      return defaultValue;
    }
    if (!value.isValueNode()) {
      throw new ConfigException(
          key(name), "must be a duration like 30s, 5m or 4h, got " + describe(value));
    }
    return ConfigChecks.duration(key(name), value.asText(), min, max);
  }

  /** {@code true} or {@code false}; quoted too. */
  boolean bool(String name, boolean defaultValue) {
    JsonNode value = node.get(name);
    if (isAbsent(value)) {
      return defaultValue;
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    String text = value.isTextual() ? value.asText().strip() : "";
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new ConfigException(key(name), "must be true or false, got " + describe(value));
  }

  /** A number; quoted numbers are accepted too. Range checks are the caller's. */
  double decimal(String name, double defaultValue) {
    JsonNode value = node.get(name);
    if (isAbsent(value)) {
      return defaultValue;
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isTextual()) {
      try {
        double number = Double.parseDouble(value.asText().strip());
        if (Double.isFinite(number)) {
          return number;
        }
      } catch (NumberFormatException e) {
        // falls through to the error below, which names the key
      }
    }
    throw new ConfigException(key(name), "must be a number, got " + describe(value));
  }

  private JsonNode list(String name) {
    JsonNode value = node.get(name);
    if (isAbsent(value)) {
      return MissingNode.getInstance();
    }
    if (!value.isArray()) {
      throw new ConfigException(key(name), "must be a list, got " + describe(value));
    }
    return value;
  }

  private static boolean isAbsent(JsonNode value) {
    return value == null || value.isMissingNode() || value.isNull();
  }

  private static String describe(JsonNode value) {
    if (value == null || value.isNull()) {
      return "nothing";
    }
    if (value.getNodeType() == JsonNodeType.OBJECT) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    return ConfigChecks.quote(value.asText());
  }
}
