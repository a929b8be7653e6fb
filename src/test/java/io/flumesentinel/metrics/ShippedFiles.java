package io.flumesentinel.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus rules and the Grafana dashboard shipped in {@code conf/}, as their readers see
 * them.
 */
final class ShippedFiles {

  static final Path RULES = Path.of("conf", "prometheus-rules.yml");
  static final Path DASHBOARD = Path.of("conf", "grafana-dashboard.json");

  /** The metric names of this product, Micrometer's binders and Vert.x, as a query names them. */
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:flume_sentinel|jvm|process|system|netty|vertx)_[a-z0-9_]+)\\b");

  private ShippedFiles() {}

  /** Every alerting rule's name, in file order. */
  static List<String> alertNames() throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonNode group :
        new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile()).get("groups")) {
      group.get("rules").forEach(rule -> names.add(rule.get("alert").asText()));
    }
    return names;
  }

  /** Every {@code expr} of the rules or of the dashboard. */
  static List<String> expressions(Path file) throws IOException {
    ObjectMapper mapper =
        file.toString().endsWith(".json")
            ? new ObjectMapper()
            : new ObjectMapper(new YAMLFactory());
    List<String> exprs = new ArrayList<>();
    collect(mapper.readTree(file.toFile()), exprs);
    return exprs;
  }

  /** The metric names the expressions read. */
  static Set<String> metricsNamed(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expr : expressions) {
      Matcher matcher = METRIC.matcher(expr);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }

  private static void collect(JsonNode node, List<String> exprs) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (field.getKey().equals("expr") && field.getValue().isTextual()) {
                  exprs.add(field.getValue().asText());
                } else {
                  collect(field.getValue(), exprs);
                }
              });
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, exprs));
    }
  }
}
