package io.flumesentinel.chaos;

import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single fat-jar monitor alerts an agent whose host died and records the delivery, is killed with
 * SIGKILL and started again with the same file: the restarted monitor must not send the delivered
 * alert again, and the next crash must be alerted exactly once.
 */
@Tag("chaos")
class MonitorRestartChaosIT {

  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final Duration AGENT_SESSION = Duration.ofSeconds(2);
  private static final Duration QUIET = Duration.ofSeconds(5);
  private static final ZkLayout LAYOUT = new ZkLayout("/chaos-restart");

  @TempDir Path dir;

  @Test
  void aRestartSendsNoDeliveredAlertAgainAndTheNextCrashOnce() throws Exception {
    ChaosReport.run(
        "monitor-restart",
        report -> {
          try (ZooKeeperProcess zooKeeper = ZooKeeperProcess.start();
              WebhookReceiver receiver = WebhookReceiver.start();
              CuratorFramework client =
                  Zk.client(zooKeeper.connectString(), Duration.ofSeconds(10));
              HeldAgent delivered =
                  HeldAgent.start(zooKeeper.connectString(), LAYOUT, "delivered", AGENT_SESSION)) {
            ChaosFleet.registerRunning(client, LAYOUT, "next");
            ChaosMonitor.Config config = Resends.config(zooKeeper, LAYOUT, receiver, SESSION);
            try (ChaosMonitor first = ChaosMonitor.launch(dir, "monitor-1", config, report)) {
              first.awaitReady(Duration.ofSeconds(60));
              Resends.deliverSessionLoss(report, client, LAYOUT, receiver, delivered, "delivered");
              first.kill();
            }
            try (ChaosMonitor second = ChaosMonitor.launch(dir, "monitor-2", config, report)) {
              report.millis("restartReady", second.awaitReady(Duration.ofSeconds(60)));
              Resends.checkNoResendThenNextOnce(report, client, LAYOUT, receiver, QUIET);
            }
          }
        });
  }
}
