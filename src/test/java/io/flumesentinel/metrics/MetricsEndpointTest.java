package io.flumesentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a whole monitor with tokens, on a real ZooKeeper with real agents
 * registering, running and crashing, and a real webhook receiver: what Prometheus reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndpointTest {

  private MetricsMonitor m;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    m = new MetricsMonitor(dir);
    m.running("a1", "ingest");
    m.running("a2", "ingest");
    m.running("w1", "web");
    await()
        .atMost(MetricsMonitor.WAIT)
        .until(
            () -> m.scrape().value("flume_sentinel_agents", "group", "ingest", "state", "UP"),
            v -> v != null && v == 2.0);
    m.crash("a2", "ingest");
    await().atMost(MetricsMonitor.WAIT).until(() -> m.receiver.firing("a2").isDone());
  }

  @AfterAll
  void stop() throws Exception {
    if (m != null) {
      m.close();
    }
  }

  @Test
  void countsTheAgentsByGroupAndState() throws Exception {
    await()
        .atMost(MetricsMonitor.WAIT)
        .untilAsserted(
            () -> {
              Scrape scrape = m.scrape();
              assertThat(scrape.value("flume_sentinel_agents", "group", "ingest", "state", "UP"))
                  .isEqualTo(1.0);
              assertThat(scrape.value("flume_sentinel_agents", "group", "ingest", "state", "DOWN"))
                  .isEqualTo(1.0);
              assertThat(scrape.value("flume_sentinel_agents", "group", "web", "state", "UP"))
                  .isEqualTo(1.0);
              assertThat(scrape.value("flume_sentinel_agents", "group", "web", "state", "DOWN"))
                  .isEqualTo(0.0);
              assertThat(scrape.value("flume_sentinel_agents", "group", "web", "state", "STUCK"))
                  .isEqualTo(0.0);
            });
  }

  @Test
  void countsTheFiringAlertAndTheNotificationSent() throws Exception {
    await()
        .atMost(MetricsMonitor.WAIT)
        .untilAsserted(
            () -> {
              Scrape scrape = m.scrape();
              assertThat(
                      scrape.value("flume_sentinel_alerts_firing", "alertname", "FlumeAgentDown"))
                  .isEqualTo(1.0);
              assertThat(
                      scrape.value(
                          "flume_sentinel_notifications_total",
                          "receiver",
                          "ops",
                          "outcome",
                          "sent"))
                  .isGreaterThanOrEqualTo(1.0);
              assertThat(
                      scrape.value(
                          "flume_sentinel_notifications_total",
                          "receiver",
                          "ops",
                          "outcome",
                          "failed"))
                  .isEqualTo(0.0);
              assertThat(
                      scrape.value(
                          "flume_sentinel_notifications_total",
                          "receiver",
                          "ops",
                          "outcome",
                          "dropped"))
                  .isEqualTo(0.0);
              assertThat(
                      scrape.value(
                          "flume_sentinel_notification_delivery_seconds_count", "receiver", "ops"))
                  .isGreaterThanOrEqualTo(1.0);
              assertThat(scrape.value("flume_sentinel_classification_seconds_count"))
                  .isGreaterThanOrEqualTo(1.0);
            });
  }

  @Test
  void reportsTheConnectionLeadershipAndReadiness() throws Exception {
    Scrape scrape = m.scrape();
    assertThat(scrape.value("flume_sentinel_zookeeper_connected")).isEqualTo(1.0);
    assertThat(scrape.value("flume_sentinel_leader")).isEqualTo(1.0);
    assertThat(scrape.value("flume_sentinel_ready")).isEqualTo(1.0);
  }

  @Test
  void includesTheJvmTheEventLoopsAndVertx() throws Exception {
    Scrape scrape = m.scrape();
    assertThat(scrape.names())
        .contains(
            "jvm_memory_used_bytes",
            "jvm_threads_live_threads",
            "process_uptime_seconds",
            "process_cpu_usage",
            "netty_eventexecutor_tasks_pending",
            "vertx_http_server_requests_total");
    assertThat(scrape.names().stream().filter(n -> n.startsWith("jvm_gc_"))).isNotEmpty();
    assertThat(scrape.names().stream().filter(n -> n.startsWith("vertx_pool_"))).isNotEmpty();
  }

  @Test
  void theShippedDashboardAndRulesReadOnlyMetricsTheMonitorServes() throws Exception {
    List<String> dashboard = ShippedFiles.expressions(ShippedFiles.DASHBOARD);
    List<String> rules = ShippedFiles.expressions(ShippedFiles.RULES);
    assertThat(dashboard).hasSizeGreaterThan(10);
    assertThat(rules).hasSameSizeAs(ShippedFiles.alertNames());
    Set<String> named = ShippedFiles.metricsNamed(dashboard);
    named.addAll(ShippedFiles.metricsNamed(rules));
    assertThat(named).contains("flume_sentinel_agents", "netty_eventexecutor_tasks_pending");
    Scrape scrape = m.scrape();
    assertThat(scrape.names()).containsAll(named);
    // the dashboard's HTTP panel groups by the status code's label
    assertThat(scrape.text).containsPattern("vertx_http_server_requests_total\\{code=\"200\"");
  }

  @Test
  void needsTheReadTokenAndAnswersInTheTextFormat() throws Exception {
    assertThat(m.get(null).statusCode()).isEqualTo(401);
    assertThat(m.get("not-a-token-0123456789abcdef").statusCode()).isEqualTo(401);
    HttpResponse<String> answer = m.get(MetricsMonitor.READ_TOKEN);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(answer.body()).contains("# HELP flume_sentinel_agents ");
    assertThat(m.get(MetricsMonitor.WRITE_TOKEN).statusCode()).isEqualTo(200);
  }
}
