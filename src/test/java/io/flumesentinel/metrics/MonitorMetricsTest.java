package io.flumesentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.notify.NotifierStats;
import io.flumesentinel.readiness.Readiness;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the registry shows of the monitor's parts, role by role, without a running monitor. */
class MonitorMetricsTest {

  private final Readiness readiness = new Readiness();
  private final NotifierStats ops = new NotifierStats("ops");
  private final Map<String, Integer> firing = new HashMap<>();

  private Scrape scrape(boolean clustered) {
    MonitorMetrics metrics = new MonitorMetrics();
    metrics.bind(
        new MonitorMetrics.Sources(
            readiness, clustered, List.of("ops"), () -> Map.of("ops", ops), () -> firing, () -> 3));
    return new Scrape(metrics.scrape());
  }

  @Test
  void aSingleMonitorLeadsAndAClusteredOneOnlyOnceElected() {
    assertThat(scrape(false).value("flume_sentinel_leader")).isEqualTo(1.0);
    assertThat(scrape(true).value("flume_sentinel_leader"))
        .as("before the election starts")
        .isEqualTo(0.0);
    readiness.role(Readiness.Role.STANDBY);
    assertThat(scrape(true).value("flume_sentinel_leader")).isEqualTo(0.0);
    readiness.role(Readiness.Role.ACTIVE);
    assertThat(scrape(true).value("flume_sentinel_leader")).isEqualTo(1.0);
  }

  @Test
  void firingAlertsShowOnTheActiveMonitorOnlyWithBoundedNames() {
    firing.put("FlumeAgentDown", 2);
    for (int i = 0; i < MonitorMetrics.MAX_ALERTNAMES + 5; i++) {
      firing.put("Name" + i, 1);
    }
    Scrape active = scrape(false);
    assertThat(active.value("flume_sentinel_alerts_firing", "alertname", "FlumeAgentDown"))
        .isEqualTo(2.0);
    assertThat(active.sum("flume_sentinel_alerts_firing"))
        .isEqualTo(2.0 + MonitorMetrics.MAX_ALERTNAMES + 5);
    assertThat(active.value("flume_sentinel_alerts_firing", "alertname", LabelValues.OTHER))
        .isPositive();

    readiness.role(Readiness.Role.STANDBY);
    assertThat(scrape(true).sum("flume_sentinel_alerts_firing")).isZero();
  }

  @Test
  void notificationCountersFollowTheNotifiersStats() {
    ops.recordRequest();
    ops.recordDelivered(4);
    ops.recordRejected(1, "400");
    ops.recordDropped(2);
    ops.recordRetry("503");
    Scrape scrape = scrape(false);
    assertThat(
            scrape.value(
                "flume_sentinel_notifications_total", "receiver", "ops", "outcome", "sent"))
        .isEqualTo(4.0);
    assertThat(
            scrape.value(
                "flume_sentinel_notifications_total", "receiver", "ops", "outcome", "failed"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "flume_sentinel_notifications_total", "receiver", "ops", "outcome", "dropped"))
        .isEqualTo(2.0);
    assertThat(scrape.value("flume_sentinel_notification_requests_total", "receiver", "ops"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value("flume_sentinel_notification_request_failures_total", "receiver", "ops"))
        .isEqualTo(1.0);
    assertThat(scrape.value("flume_sentinel_ledger_records_dropped_total")).isEqualTo(3.0);
  }
}
