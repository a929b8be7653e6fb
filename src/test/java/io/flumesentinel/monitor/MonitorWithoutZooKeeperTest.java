package io.flumesentinel.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.WebhookReceiver.Received;
import io.flumesentinel.testing.Zk;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * A monitor started while its ZooKeeper cannot be reached runs: it answers, says what it waits for,
 * alerts that nobody is watching, and watches once ZooKeeper is there.
 */
class MonitorWithoutZooKeeperTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String ROOT = "/not-yet";

  @Test
  void aMonitorStartedBeforeZooKeeperAlertsAndWatchesOnceZooKeeperIsThere() throws Exception {
    int port = Http.freePort();
    String connect = "127.0.0.1:" + port;
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      MonitorConfig config =
          new MonitorConfig(
              new ZkConfig(
                  connect,
                  ROOT,
                  Duration.ofSeconds(2),
                  Duration.ofSeconds(1),
                  0,
                  Path.of("target", "unused")),
              new HttpConfig("127.0.0.1", 0),
              ClassifierConfig.defaults(),
              List.of(WebhookReceiverConfig.of("ops", List.of(receiver.url()))),
              "");
      long starting = System.nanoTime();
      try (Monitor monitor = Monitor.start(config, Clock.systemUTC())) {
        // It waited the connection timeout for ZooKeeper, not for the pipeline.
        assertThat(System.nanoTime() - starting).isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(Http.status(monitor.httpPort(), "/health/live")).isEqualTo(200);
        assertThat(Http.status(monitor.httpPort(), "/health/ready")).isEqualTo(503);
        assertThat(monitor.readiness().waitingFor()).contains("ZooKeeper connection to " + connect);

        await().atMost(WAIT).until(() -> !loss(receiver, "firing").isEmpty());
        assertThat(loss(receiver, "firing").get(0).annotation("summary"))
            .contains("cannot reach ZooKeeper", connect);

        try (TestingServer server = Zk.server(port)) {
          CuratorFramework agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
          try {
            // Registered and not running: the pipeline, deployed once connected, alerts on it.
            new Registration(AsyncCuratorFramework.wrap(agentSide), new ZkLayout(ROOT))
                .register("idle", AgentNode.of("host-a", "ingest", Map.of()))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

            await().atMost(WAIT).until(() -> monitor.readiness().ready());
            await().atMost(WAIT).until(() -> !loss(receiver, "resolved").isEmpty());
            assertThat(loss(receiver, "resolved").get(0).annotation("resolution"))
                .isEqualTo("CONNECTED");
            await().atMost(WAIT).until(() -> !receiver.alertsFor("idle").isEmpty());
            assertThat(receiver.alertsFor("idle").get(0).annotation("reason"))
                .isEqualTo("NOT_RUNNING");
            assertThat(loss(receiver, "firing")).hasSize(1);
            JsonObject status = new JsonObject(Http.get(monitor.httpPort(), "/status"));
            assertThat(status.containsKey("logLinesDropped")).isTrue();
            assertThat(status.getLong("ledgerRecordsDropped")).isZero();
          } finally {
            agentSide.close();
          }
        }
      }
    }
  }

  private static List<Received> loss(WebhookReceiver receiver, String status) {
    return receiver.alerts().stream()
        .filter(
            a ->
                "FlumeSentinelZooKeeperLost"
                        .equals(a.alert().getJsonObject("labels").getString("alertname"))
                    && a.status().equals(status))
        .toList();
  }
}
