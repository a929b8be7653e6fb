package io.flumesentinel.notify.mail;

import io.flumesentinel.event.Alert;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Alerts as the classifier writes them for a crashed agent, for the mail tests. */
final class MailAlerts {

  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private MailAlerts() {}

  static Alert crashed(String agent, String host, String group) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, "FlumeAgentDown");
    labels.put(Alert.AGENT, agent);
    labels.put("host", host);
    labels.put("group", group);
    labels.put("severity", "critical");
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", "CRASHED");
    annotations.put("exitCode", "137");
    annotations.put("signal", "KILL");
    annotations.put("summary", "Flume agent " + agent + " on " + host + " crashed (signal KILL)");
    return new Alert(
        Alert.Status.FIRING, labels, annotations, T0, null, "http://sentinel/agents/" + agent);
  }

  static Alert resolved(Alert firing) {
    return firing.resolve(firing.startsAt().plusSeconds(90), Map.of("resolution", "RECOVERED"));
  }
}
