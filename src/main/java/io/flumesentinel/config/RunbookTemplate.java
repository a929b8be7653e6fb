package io.flumesentinel.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code runbookUrl}: a URL in which {@code {{label}}} stands for the value of that label of the
 * alert ({@code https://wiki.example.com/runbooks/{{alertname}}?agent={{agent}}}), sent as the
 * {@code runbook_url} annotation. Values are percent-encoded (a space as {@code %20}), so a label
 * can never add a path, a query parameter or another host; a label the alert does not have is
 * empty. Checked when the config is read: every placeholder names a label, and the URL is an http
 * or https URL with a host however the labels are filled.
 */
public final class RunbookTemplate {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** The text between placeholders, and the label each placeholder names, interleaved. */
  private final List<String> literals;

  private final List<String> labels;
  private final String written;

  private RunbookTemplate(String written, List<String> literals, List<String> labels) {
    this.written = written;
    this.literals = List.copyOf(literals);
    this.labels = List.copyOf(labels);
  }

  /**
   * Reads a template.
   *
   * @param key the config key, named by the error
   * @throws ConfigException naming {@code key} when a placeholder is not {@code {{label}}}, a brace
   *     is left open, or the result would not be an http or https URL
   */
  public static RunbookTemplate read(String key, String written) {
    String text = written.strip();
    List<String> literals = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text);
    int from = 0;
    while (m.find()) {
      String label = m.group(1);
      if (!LABEL_NAME.matcher(label).matches()) {
        throw new ConfigException(
            key,
            ConfigChecks.quote(m.group())
                + " is not a placeholder: write {{label}} with a label name such as {{agent}}");
      }
      literals.add(text.substring(from, m.start()));
      labels.add(label);
      from = m.end();
    }
    literals.add(text.substring(from));
    for (String literal : literals) {
      if (literal.contains("{{") || literal.contains("}}")) {
        throw new ConfigException(
            key, "has an unmatched {{ or }}: placeholders are written {{label}}");
      }
    }
    RunbookTemplate template = new RunbookTemplate(text, literals, labels);
    // Filled with any value, the result must be a URL a receiver can follow.
    ConfigChecks.httpUrl(key, template.render(Map.of()));
    ConfigChecks.httpUrl(key, template.render(sample(labels)));
    return template;
  }

  /** The URL for an alert with {@code labels}. */
  public String render(Map<String, String> labelValues) {
    StringBuilder url = new StringBuilder(literals.get(0));
    for (int i = 0; i < labels.size(); i++) {
      url.append(encode(labelValues.getOrDefault(labels.get(i), "")));
      url.append(literals.get(i + 1));
    }
    return url.toString();
  }

  /** The template as written. */
  @Override
  public String toString() {
    return written;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RunbookTemplate t && t.written.equals(written);
  }

  @Override
  public int hashCode() {
    return written.hashCode();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Map<String, String> sample(List<String> labels) {
    Map<String, String> values = new java.util.HashMap<>();
    labels.forEach(label -> values.put(label, "a b/c?d"));
    return values;
  }
}
