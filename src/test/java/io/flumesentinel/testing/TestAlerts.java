package io.flumesentinel.testing;

import io.flumesentinel.alert.Router;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Notice;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Alerts for tests: {@code FlumeAgentDown} of an agent, one incident per start second. */
public final class TestAlerts {

  public static final String ALERTNAME = "FlumeAgentDown";
  public static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private TestAlerts() {}

  public static Alert firing(String agent) {
    return firing(agent, 0);
  }

  /**
   * A firing alert of {@code agent} whose incident started {@code startSecond} seconds after {@link
   * #T0}.
   */
  public static Alert firing(String agent, int startSecond) {
    return firing(agent, T0.plusSeconds(startSecond));
  }

  /** A firing alert of {@code agent} whose incident started at {@code startsAt}. */
  public static Alert firing(String agent, Instant startsAt) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, ALERTNAME);
    labels.put(Alert.AGENT, agent);
    labels.put("severity", "critical");
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put("summary", "Flume agent " + agent + " died");
    return new Alert(
        Alert.Status.FIRING,
        labels,
        annotations,
        startsAt,
        null,
        "http://sentinel/agents/" + agent);
  }

  /** The same transition again, with another summary (as when the classifier repeats itself). */
  public static Alert withSummary(Alert alert, String summary) {
    TreeMap<String, String> annotations = new TreeMap<>(alert.annotations());
    annotations.put("summary", summary);
    return new Alert(
        alert.status(),
        alert.labels(),
        annotations,
        alert.startsAt(),
        alert.endsAt(),
        alert.generatorUrl());
  }

  /**
   * {@code alert} as the default route hands it to a notifier: grouped by {@code alertname}, sent
   * at once.
   */
  public static Notice notice(Alert alert) {
    return Router.of(null, List.of("any")).dispatch(alert, "any").notice();
  }

  public static Alert resolved(Alert firing) {
    return firing.resolve(firing.startsAt().plusSeconds(30), Map.of("resolution", "restarted"));
  }
}
