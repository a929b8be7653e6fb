package io.flumesentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.ZkLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * One agent dies at a time: the time from a client deleting the agent's live node to the firing
 * alert reaching the webhook receiver. Goal: p50 under 3 ms, p99 under 15 ms.
 */
class CrashLatencyBench extends ZooKeeperBench {

  private static final int WARM_UP = 200;
  private static final int MEASURED = 1_000;
  private static final long ALERT_WITHIN_MS = 10_000;

  private static final String MEASURES =
      "a client deletes a live node → the webhook receives the firing alert, 1,000 crashes after 200"
          + " warm-up";

  private final BenchReport report = new BenchReport("crash-latency", CrashLatencyBench.class);
  private Monitor monitor;
  private DeletionFloor floor;

  @AfterAll
  void stopOwn() throws Exception {
    if (monitor != null) {
      monitor.close();
    }
    if (floor != null) {
      floor.close();
    }
  }

  @Test
  void liveNodeDeletedToFiringWebhook() throws Exception {
    AgentFleet fleet = AgentFleet.of("/bench-crash", "agent", WARM_UP + MEASURED);
    fleet.register(agentSide);
    fleet.goLive(agentSide);
    monitor = InProcessMonitor.startReady(zooKeeper.connectString(), fleet.root(), receiver.url());
    floor = DeletionFloor.watch(zooKeeper.connectString(), new ZkLayout(fleet.root()).live());

    List<String> warmUp = fleet.ids().subList(0, WARM_UP);
    List<String> measured = fleet.ids().subList(WARM_UP, fleet.ids().size());
    for (String id : warmUp) {
      crashAndWait(fleet, id);
    }
    List<DeletionFloor.Crash> crashes = new ArrayList<>();
    for (String id : measured) {
      crashes.add(crashAndWait(fleet, id));
    }
    assertThat(receiver.malformed()).isEmpty();

    report.singleCrashes(
        "agents=" + fleet.ids().size() + " warmUp=" + WARM_UP,
        MEASURES,
        crashes,
        "ZooKeeper alone (the delete until a bare client is notified of it, the same crashes)",
        3,
        15);
  }

  /** Deletes the agent's live node as its client would, and measures the crash. */
  private DeletionFloor.Crash crashAndWait(AgentFleet fleet, String id) throws Exception {
    var alert = receiver.firing(id);
    var deletion = floor.nextDeletion(fleet.livePath(id));
    long t0 = System.nanoTime();
    agentSide.delete().forPath(fleet.livePath(id));
    long arrived = alert.get(ALERT_WITHIN_MS, TimeUnit.MILLISECONDS);
    return DeletionFloor.Crash.of(
        t0, arrived, deletion.get(ALERT_WITHIN_MS, TimeUnit.MILLISECONDS));
  }
}
