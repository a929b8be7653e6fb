package io.flumesentinel.notify;

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
 * What a person reads of a batch, whatever carries it (a mail, a chat message): a one-line title
 * and, per alert, its fields by name.
 *
 * <p>The title follows Alertmanager's default mail subject: {@code [FIRING:3] FlumeAgentDown
 * (host-a, ingest)} — the status with the number of firing alerts (or of resolved ones when none
 * fires), the alert names, the group's other labels as {@code name=value} (such as {@code dc=east}
 * for {@code groupBy: [dc]}), and in brackets the agent, host and group values the whole batch
 * shares (or, when it shares none, the first agents). A batch is one group, so the title names the
 * group: its agent, host and group labels are shared, and so in brackets.
 *
 * <p>Pure functions of the batch.
 */
public final class AlertFields {

  /** Agents named in a title whose alerts share no label value; more are counted. */
  public static final int SUBJECT_AGENTS = 3;

  /** Labels whose shared values go into the title, in this order. */
  private static final List<String> SUBJECT_LABELS = List.of(Alert.AGENT, "host", "group");

  /**
   * Group labels not named as {@code name=value}: shown otherwise (the alert name, the bracketed
   * labels), or implied by the alert name (severity).
   */
  private static final Set<String> IMPLIED =
      Set.of(Alert.ALERTNAME, Alert.AGENT, "host", "group", "severity");

  /**
   * Group labels named in a title at most; more (a group by every label) are left to the message
   * body.
   */
  private static final int TITLE_GROUP_LABELS = 3;

  private AlertFields() {}

  /**
   * The title of a batch that is not one group's, or of a group by {@code alertname} only.
   *
   * @param alerts at least one
   */
  public static String title(List<Alert> alerts) {
    return title(Map.of(), alerts);
  }

  /**
   * The title of one group's batch.
   *
   * @param groupLabels the group's labels ({@code AlertGroup#labels()})
   * @param alerts at least one
   */
  public static String title(Map<String, String> groupLabels, List<Alert> alerts) {
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
      alerts.forEach(alert -> agents.add(alert.subject()));
      agents.stream().limit(SUBJECT_AGENTS).forEach(shared::add);
      if (agents.size() > SUBJECT_AGENTS) {
        shared.add("+" + (agents.size() - SUBJECT_AGENTS) + " more");
      }
    }
    List<String> named = new ArrayList<>();
    new TreeMap<>(groupLabels)
        .forEach(
            (name, value) -> {
              if (!IMPLIED.contains(name)) {
                named.add(name + "=" + value);
              }
            });
    String group =
        named.isEmpty() || named.size() > TITLE_GROUP_LABELS ? "" : " " + String.join(" ", named);
    return "["
        + status
        + "] "
        + String.join(", ", names)
        + group
        + " ("
        + String.join(", ", shared)
        + ")";
  }

  /** What a person needs to know of one alert, by field name, absent ones left out. */
  public static Map<String, String> fields(Alert alert) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (alert.agent() != null) {
      fields.put("Agent", alert.agent());
    } else {
      fields.put("Monitor", alert.subject());
    }
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
}
