package io.flumesentinel.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One answer of {@code /metrics} in the Prometheus text format, read as series and values. */
final class Scrape {

  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\d+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  final String text;
  private final Map<String, Double> values = new HashMap<>();
  private final Set<String> names = new HashSet<>();

  Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.strip());
      if (!sample.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      Map<String, String> labels = new TreeMap<>();
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      names.add(sample.group(1));
      values.put(key(sample.group(1), labels), Double.parseDouble(sample.group(4)));
    }
  }

  /** The value of the series, {@code null} if absent; labels as name, value, name, value… */
  Double value(String name, String... labels) {
    Map<String, String> wanted = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    return values.get(key(name, wanted));
  }

  /** The sum of every series of {@code name} whose labels include these. */
  double sum(String name, String... labels) {
    double sum = 0;
    for (Map.Entry<String, Double> e : values.entrySet()) {
      if (!e.getKey().startsWith(name + "{") && !e.getKey().equals(name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        all &= e.getKey().contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (all) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  /** Every metric name with a sample. */
  Set<String> names() {
    return Set.copyOf(names);
  }

  private static String key(String name, Map<String, String> labels) {
    StringBuilder key = new StringBuilder(name).append('{');
    labels.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
    return key.append('}').toString();
  }
}
