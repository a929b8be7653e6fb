package io.flumesentinel.chaos;

import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two fat-jar monitors with {@code cluster: true}. An agent's host dies (the process holding its
 * session is killed), the active monitor alerts it and records the delivery; then the active
 * monitor is killed with SIGKILL. The standby takes over: it must not send the delivered alert
 * again, and the next crash must be alerted exactly once.
 */
@Tag("chaos")
class ClusterHandoverChaosIT {

  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final Duration AGENT_SESSION = Duration.ofSeconds(2);
  private static final Duration QUIET = Duration.ofSeconds(5);
  private static final ZkLayout LAYOUT = new ZkLayout("/chaos-handover");

  @TempDir Path dir;

  @Test
  void aHandoverSendsNoDeliveredAlertAgainAndTheNextCrashOnce() throws Exception {
    ChaosReport.run(
        "cluster-handover",
        report -> {
          List<ChaosMonitor> monitors = new ArrayList<>();
          try (ZooKeeperProcess zooKeeper = ZooKeeperProcess.start();
              WebhookReceiver receiver = WebhookReceiver.start();
              CuratorFramework client =
                  Zk.client(zooKeeper.connectString(), Duration.ofSeconds(10));
              HeldAgent delivered =
                  HeldAgent.start(zooKeeper.connectString(), LAYOUT, "delivered", AGENT_SESSION)) {
            ChaosFleet.registerRunning(client, LAYOUT, "next");
            try {
              for (String name : List.of("monitor-a", "monitor-b")) {
                monitors.add(
                    ChaosMonitor.launch(
                        dir,
                        name,
                        Resends.config(zooKeeper, LAYOUT, receiver, SESSION).clustered(),
                        report));
              }
              for (ChaosMonitor monitor : monitors) {
                monitor.awaitReady(Duration.ofSeconds(60));
              }
              ChaosMonitor active = Resends.awaitActive(monitors);
              ChaosMonitor standby = monitors.get(0) == active ? monitors.get(1) : monitors.get(0);

              Resends.deliverSessionLoss(report, client, LAYOUT, receiver, delivered, "delivered");

              long killed = System.nanoTime();
              active.kill();
              Waits.until(
                  standby.name() + " active after the SIGKILL of " + active.name(),
                  SESSION.plusSeconds(20),
                  () -> "active".equals(standby.role()));
              report.millis("handover", (System.nanoTime() - killed) / 1e6);

              Resends.checkNoResendThenNextOnce(report, client, LAYOUT, receiver, QUIET);
            } finally {
              monitors.forEach(ChaosMonitor::close);
            }
          }
        });
  }
}
