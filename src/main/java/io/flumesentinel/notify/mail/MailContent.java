package io.flumesentinel.notify.mail;

import io.flumesentinel.event.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The subject, plain text and HTML of the mail for one batch, written for a person on call.
 *
 * <p>The subject follows Alertmanager's default mail subject: {@code [FIRING:3] FlumeAgentDown
 * (host-a, ingest)} — the status with the number of firing alerts (or of resolved ones when none
 * fires), the alert name when the batch shares it, and in brackets the agent, host and group values
 * the whole batch shares (or, when it shares none, the first agents). Each alert is listed in both
 * parts, in batch order, with its agent, host, group, reason, exit code or signal, since when it
 * fires ({@code startsAt}) and, once resolved, when it ended ({@code endsAt}).
 *
 * <p>Pure functions of the batch.
 */
public final class MailContent {

  /** Agents named in a subject whose alerts share no label value; more are counted. */
  static final int SUBJECT_AGENTS = 3;

  /** Labels whose shared values go into the subject, in this order. */
  private static final List<String> SUBJECT_LABELS = List.of(Alert.AGENT, "host", "group");

  private MailContent() {}

  /**
   * @param alerts at least one
   */
  public static String subject(List<Alert> alerts) {
    long firing = alerts.stream().filter(Alert::firing).count();
    String status = firing > 0 ? "FIRING:" + firing : "RESOLVED:" + alerts.size();
    Set<String> names = new LinkedHashSet<>();
    alerts.forEach(alert -> names.add(alert.alertname()));
    List<String> shared = new ArrayList<>();
    for (String label : SUBJECT_LABELS) {
      String value = alerts.get(0).labels().get(label);
      if (value != null && alerts.stream().allMatch(a -> value.equals(a.labels().get(label)))) {
        shared.add(value);
      }
    }
    if (shared.isEmpty()) {
      Set<String> agents = new LinkedHashSet<>();
      alerts.forEach(alert -> agents.add(alert.agent()));
      agents.stream().limit(SUBJECT_AGENTS).forEach(shared::add);
      if (agents.size() > SUBJECT_AGENTS) {
        shared.add("+" + (agents.size() - SUBJECT_AGENTS) + " more");
      }
    }
    return "[" + status + "] " + String.join(", ", names) + " (" + String.join(", ", shared) + ")";
  }

  public static String text(List<Alert> alerts) {
    StringBuilder text = new StringBuilder(summaryLine(alerts)).append("\n");
    for (Alert alert : alerts) {
      text.append("\n[")
          .append(alert.status().name())
          .append("] ")
          .append(alert.alertname())
          .append("\n");
      fields(alert)
          .forEach(
              (name, value) ->
                  text.append("  ")
                      .append(name)
                      .append(":")
                      .append(" ".repeat(Math.max(1, 11 - name.length())))
                      .append(value)
                      .append("\n"));
    }
    text.append("\n-- \nFlume Sentinel\n");
    return text.toString();
  }

  public static String html(List<Alert> alerts) {
    StringBuilder html =
        new StringBuilder("<!DOCTYPE html>\n<html><body style=\"font-family:sans-serif\">\n")
            .append("<p>")
            .append(escape(summaryLine(alerts)))
            .append("</p>\n");
    for (Alert alert : alerts) {
      String colour = alert.firing() ? "#c0392b" : "#27ae60";
      html.append("<h3 style=\"color:")
          .append(colour)
          .append("\">[")
          .append(alert.status().name())
          .append("] ")
          .append(escape(alert.alertname()))
          .append("</h3>\n<table>\n");
      fields(alert)
          .forEach(
              (name, value) ->
                  html.append("<tr><th align=\"left\">")
                      .append(escape(name))
                      .append("</th><td>")
                      .append(escape(value))
                      .append("</td></tr>\n"));
      html.append("</table>\n");
    }
    html.append("<p style=\"color:#888\">Flume Sentinel</p>\n</body></html>\n");
    return html.toString();
  }

  private static String summaryLine(List<Alert> alerts) {
    long firing = alerts.stream().filter(Alert::firing).count();
    long resolved = alerts.size() - firing;
    List<String> parts = new ArrayList<>();
    if (firing > 0) {
      parts.add(firing + " firing");
    }
    if (resolved > 0) {
      parts.add(resolved + " resolved");
    }
    return "Flume agent alerts: " + String.join(", ", parts) + ".";
  }

  /** What a person needs to know of one alert, by field name, absent ones left out. */
  private static Map<String, String> fields(Alert alert) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("Agent", alert.agent());
    put(fields, "Host", alert.labels().get("host"));
    put(fields, "Group", alert.labels().get("group"));
    put(fields, "Severity", alert.labels().get("severity"));
    put(fields, "Reason", alert.annotation("reason"));
    put(fields, "Exit", exit(alert));
    fields.put("Since", time(alert.startsAt()));
    if (!alert.firing() && alert.endsAt() != null) {
      fields.put("Ended", time(alert.endsAt()));
    }
    put(fields, "Resolution", alert.annotation("resolution"));
    put(fields, "Summary", alert.annotation("summary"));
    put(fields, "Details", alert.annotation("description"));
    put(fields, "Link", alert.generatorUrl());
    return fields;
  }

  private static String exit(Alert alert) {
    TreeMap<String, String> parts = new TreeMap<>();
    if (alert.annotation("exitCode") != null) {
      parts.put("code", "code " + alert.annotation("exitCode"));
    }
    if (alert.annotation("signal") != null) {
      parts.put("signal", "signal " + alert.annotation("signal"));
    }
    return parts.isEmpty() ? null : String.join(", ", parts.values());
  }

  private static String time(Instant instant) {
    return instant.toString();
  }

  private static void put(Map<String, String> fields, String name, String value) {
    if (value != null && !value.isBlank()) {
      fields.put(name, value);
    }
  }

  private static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
