package io.flumesentinel.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.testing.ZooKeeperProcess;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent whose agent node has a 600 KB {@code host} crashes. The host appears in the alert's
 * labels and summary, so a record carrying it whole would be over ZooKeeper's 1 MB limit. The alert
 * must be delivered and recorded under {@code <root>/alerts}, the monitor must show no sign of a
 * lost connection, and an ordinary crash after it must be recorded too.
 *
 * <p>The agent node is written as raw JSON, as an old or foreign writer could write it: a writer
 * that caps its values would not make this node.
 */
@Tag("chaos")
class OversizeRecordChaosIT {

  private static final int HOST_BYTES = 600 * 1024;
  private static final ZkLayout LAYOUT = new ZkLayout("/chaos-oversize");

  /** What the monitor or its ZooKeeper client print when a connection broke. */
  private static final List<String> CONNECTION_TROUBLE =
      List.of(
          "out of range",
          "connectionloss",
          "connection loss",
          "zookeeper connection suspended",
          "zookeeper connection lost",
          "when zookeeper is back",
          "closed socket");

  @TempDir Path dir;

  @Test
  void aRecordOverOneMegabyteIsDeliveredAndRecordedWithoutLosingTheConnection() throws Exception {
    ChaosReport.run(
        "oversize-record",
        report -> {
          report.figure("hostBytes", HOST_BYTES);
          try (ZooKeeperProcess zooKeeper = ZooKeeperProcess.start();
              WebhookReceiver receiver = WebhookReceiver.start();
              CuratorFramework client =
                  Zk.client(zooKeeper.connectString(), Duration.ofSeconds(10))) {
            client
                .create()
                .creatingParentsIfNeeded()
                .forPath(LAYOUT.agent("huge"), hugeNode(false));
            ChaosFleet.registerRunning(client, LAYOUT, "after");
            ChaosFleet.goLive(client, LAYOUT, List.of("huge"));

            try (ChaosMonitor monitor =
                ChaosMonitor.launch(
                    dir,
                    "monitor",
                    ChaosMonitor.Config.of(
                        zooKeeper.connectString(), LAYOUT.root(), receiver.url()),
                    report)) {
              monitor.awaitReady(Duration.ofSeconds(60));

              client
                  .transaction()
                  .forOperations(
                      client
                          .transactionOp()
                          .setData()
                          .forPath(LAYOUT.agent("huge"), hugeNode(true)),
                      client.transactionOp().delete().forPath(LAYOUT.live("huge")));
              report.millis(
                  "alert",
                  Waits.until(
                      "the huge agent's crash alerted",
                      Duration.ofSeconds(20),
                      () -> Waits.firing(receiver, "huge") >= 1));
              report.millis(
                  "recorded",
                  Waits.until(
                      "the huge agent's alert recorded under " + LAYOUT.alerts(),
                      Duration.ofSeconds(10),
                      () -> LedgerView.recordedFiring(client, LAYOUT, "huge")));

              ChaosFleet.crash(client, LAYOUT, "after");
              Waits.until(
                  "an ordinary crash after it alerted",
                  Duration.ofSeconds(20),
                  () -> Waits.firing(receiver, "after") >= 1);
              report.millis(
                  "nextRecorded",
                  Waits.until(
                      "an ordinary crash after it recorded under " + LAYOUT.alerts(),
                      Duration.ofSeconds(10),
                      () -> LedgerView.recordedFiring(client, LAYOUT, "after")));

              List<String> trouble =
                  monitor.output().stream()
                      .filter(
                          line ->
                              CONNECTION_TROUBLE.stream()
                                  .anyMatch(line.toLowerCase(Locale.ROOT)::contains))
                      .toList();
              report.figure("connectionTroubleLines", trouble.size());
              assertThat(trouble)
                  .as("lines of connection trouble in the monitor's output")
                  .isEmpty();
            }
          }
        });
  }

  /** The agent node with a 600 KB host, after a crash when {@code crashed}, as raw JSON. */
  private static byte[] hugeNode(boolean crashed) {
    AgentNode node = AgentNode.of("host", "chaos", Map.of("dc", "dc1"));
    if (crashed) {
      node = node.withCrash(new ExitRecord(137, "KILL", Instant.now(), "killed"));
    }
    JsonObject json = node.toJson().put("host", "h".repeat(HOST_BYTES));
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }
}
