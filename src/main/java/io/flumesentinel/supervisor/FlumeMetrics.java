package io.flumesentinel.supervisor;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One answer of Flume's HTTP metrics ({@code {"TYPE.name": {"Counter": "value", …}}}, numbers as
 * strings), as the numbers of each source, channel and sink. Immutable.
 */
record FlumeMetrics(List<Component> components) {

  /** The kinds of component the flow checks look at. */
  enum Type {
    SOURCE,
    CHANNEL,
    SINK
  }

  /**
   * One component's numbers; a value that is not a number is left out.
   *
   * @param name the component's name in the agent's configuration
   */
  record Component(Type type, String name, Map<String, Double> values) {
    Component {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(name, "name");
      values = Map.copyOf(values);
    }

    /** The value of {@code counter}, or {@code null} when Flume did not report it. */
    Double value(String counter) {
      return values.get(counter);
    }
  }

  FlumeMetrics {
    components = List.copyOf(components);
  }

  /** Channel name → fill percentage, for each channel that reports one. */
  Map<String, Double> channelFill() {
    Map<String, Double> fill = new LinkedHashMap<>();
    for (Component component : components) {
      Double percent = component.value("ChannelFillPercentage");
      if (component.type() == Type.CHANNEL && percent != null) {
        fill.put(component.name(), percent);
      }
    }
    return fill;
  }

  /**
   * Reads Flume's metrics JSON; {@code null} when the text is not a JSON object. Entries of other
   * types (Flume's {@code CHANNELPROCESSOR}, a custom counter group) are left out.
   */
  static FlumeMetrics parse(String body) {
    JsonObject metrics;
    try {
      metrics = new JsonObject(body);
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      return null;
    }
    java.util.ArrayList<Component> components = new java.util.ArrayList<>();
    for (Map.Entry<String, Object> entry : metrics) {
      int dot = entry.getKey().indexOf('.');
      if (dot <= 0 || !(entry.getValue() instanceof JsonObject values)) {
        continue;
      }
      Type type;
      try {
        type = Type.valueOf(entry.getKey().substring(0, dot));
      } catch (IllegalArgumentException other) {
        continue;
      }
      Map<String, Double> numbers = new LinkedHashMap<>();
      for (Map.Entry<String, Object> value : values) {
        if (value.getValue() == null) {
          continue;
        }
        try {
          double number = Double.parseDouble(value.getValue().toString());
          if (Double.isFinite(number)) {
            numbers.put(value.getKey(), number);
          }
        } catch (NumberFormatException notANumber) {
          // "Type": "CHANNEL" and the like
        }
      }
      components.add(new Component(type, entry.getKey().substring(dot + 1), numbers));
    }
    return new FlumeMetrics(components);
  }
}
