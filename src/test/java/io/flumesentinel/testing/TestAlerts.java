package io.flumesentinel.testing;

import io.flumesentinel.event.Alert;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;

/** Alerts for tests. */
public final class TestAlerts {

  private TestAlerts() {}

  public static Alert firing(String agent, Instant startsAt) {
    SortedMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, "FlumeAgentDown");
    labels.put(Alert.AGENT, agent);
    labels.put("severity", "critical");
    SortedMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", "CRASHED");
    annotations.put("summary", "Flume agent " + agent + " crashed");
    return new Alert(Alert.Status.FIRING, labels, annotations, startsAt, null, "");
  }
}
