package io.flumesentinel.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large fleet of running agents with 38-character ids ({@code
 * ingest-host-0001.dc1.example.com-a-023}): one listing of their live nodes alone is over
 * ZooKeeper's 1 MB reply limit from about 26,000 agents. The fat jar's monitor must become ready
 * within the goal and hold the fleet in a bounded heap; then the session holding the live nodes of
 * a part of the fleet closes, and every one of those agents must be alerted.
 *
 * <p>{@code -Dchaos.agents=100000} sets the fleet (default 40,000), {@code -Dchaos.storm=10000} the
 * agents whose session closes, {@code -Dchaos.readyGoalMs=10000} and {@code -Dchaos.heapGoalMb=256}
 * the goals, {@code -Dchaos.monitorHeapMb=512} the monitor's {@code -Xmx}.
 */
@Tag("chaos")
class LargeFleetChaosIT {

  private static final int AGENTS = Integer.getInteger("chaos.agents", 40_000);
  private static final int STORM = Math.min(AGENTS, Integer.getInteger("chaos.storm", 10_000));
  private static final long READY_GOAL_MS = Long.getLong("chaos.readyGoalMs", 10_000);
  private static final long HEAP_GOAL_MB = Long.getLong("chaos.heapGoalMb", 256);
  private static final int MONITOR_HEAP_MB = Integer.getInteger("chaos.monitorHeapMb", 512);
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);
  private static final Duration STORM_WITHIN = Duration.ofMinutes(3);
  private static final ZkLayout LAYOUT = new ZkLayout("/chaos-large-fleet");

  @TempDir Path dir;

  @Test
  void aLargeFleetIsReadyInTimeAndAStormOfItIsDeliveredCompletely() throws Exception {
    ChaosReport.run(
        "large-fleet",
        report -> {
          report.figure("agents", AGENTS);
          report.figure("storm", STORM);
          List<String> ids = ChaosFleet.fleetIds(AGENTS);
          List<String> storm = ids.subList(0, STORM);
          List<String> steady = ids.subList(STORM, AGENTS);
          try (ZooKeeperProcess zooKeeper = ZooKeeperProcess.start();
              WebhookReceiver receiver = WebhookReceiver.start();
              CuratorFramework writer =
                  Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30));
              CuratorFramework steadySession =
                  Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30));
              CuratorFramework stormSession =
                  Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30))) {
            long writing = System.nanoTime();
            ChaosFleet.register(
                writer,
                LAYOUT,
                ids,
                id ->
                    AgentNode.of(
                        id.substring(0, id.lastIndexOf("-a-")), "ingest", Map.of("dc", "dc1")));
            ChaosFleet.goLive(steadySession, LAYOUT, steady);
            ChaosFleet.goLive(stormSession, LAYOUT, storm);
            report.millis("written", (System.nanoTime() - writing) / 1e6);

            try (ChaosMonitor monitor =
                ChaosMonitor.launch(
                    dir,
                    "monitor",
                    ChaosMonitor.Config.of(zooKeeper.connectString(), LAYOUT.root(), receiver.url())
                        .maxHeapMb(MONITOR_HEAP_MB),
                    report)) {
              double readyMs = monitor.awaitReady(READY_WITHIN);
              report.millis("ready", readyMs);
              double heapMb = monitor.heapAfterGcMegabytes();
              report.megabytes("heapAfterGc", heapMb);

              long closed = System.nanoTime();
              stormSession.close();
              WebhookReceiver.Arrivals arrivals = Waits.allFiring(receiver, storm, STORM_WITHIN);
              report.millis("stormDelivered", (arrivals.last() - closed) / 1e6);
              report.figure("requests", receiver.requests());

              assertThat(readyMs)
                  .as("ms from launch to ready, goal < %d", READY_GOAL_MS)
                  .isLessThan(READY_GOAL_MS);
              assertThat(heapMb)
                  .as("MB of heap after GC, goal < %d", HEAP_GOAL_MB)
                  .isLessThan(HEAP_GOAL_MB);
              assertThat(receiver.malformed()).as("malformed webhook bodies").isEmpty();
            }
          }
        });
  }
}
