package io.flumesentinel.notify.mail;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.AlertFields;
import java.util.ArrayList;
import java.util.List;

/**
 * The subject, plain text and HTML of the mail for one batch, written for a person on call.
 *
 * <p>The subject is {@link AlertFields#title}: {@code [FIRING:3] FlumeAgentDown (host-a, ingest)}.
 * Each alert is listed in both parts, in batch order, with its agent, host, group, reason, exit
 * code or signal, since when it fires ({@code startsAt}) and, once resolved, when it ended ({@code
 * endsAt}).
 *
 * <p>Pure functions of the batch.
 */
public final class MailContent {

  private MailContent() {}

  /**
   * @param alerts at least one
   */
  public static String subject(List<Alert> alerts) {
    return AlertFields.title(alerts);
  }

  /**
   * The subject of one group's mail, naming the group ({@link AlertFields#title(java.util.Map,
   * List)}).
   *
   * @param alerts at least one, all of {@code group}
   */
  public static String subject(AlertGroup group, List<Alert> alerts) {
    return AlertFields.title(group.labels(), alerts);
  }

  public static String text(List<Alert> alerts) {
    StringBuilder text = new StringBuilder(summaryLine(alerts)).append("\n");
    for (Alert alert : alerts) {
      text.append("\n[")
          .append(alert.status().name())
          .append("] ")
          .append(alert.alertname())
          .append("\n");
      AlertFields.fields(alert)
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
      AlertFields.fields(alert)
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
