package io.flumesentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.ZkLayout;
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
    double[] latencies = new double[measured.size()];
    double[] notified = new double[measured.size()];
    double[] fenced = new double[measured.size()];
    for (int i = 0; i < latencies.length; i++) {
      long[] crash = crashAndWait(fleet, measured.get(i));
      latencies[i] = BenchReport.ms(crash[0]);
      notified[i] = BenchReport.ms(crash[1]);
      fenced[i] = BenchReport.ms(crash[2]);
    }
    assertThat(receiver.malformed()).isEmpty();

    BenchReport.Percentiles percentiles =
        report.latencies("agents=" + fleet.ids().size() + " warmUp=" + WARM_UP, latencies, 3, 15);
    String beside =
        report.floorsBeside(
            latencies,
            new BenchReport.Floor(
                "ZooKeeper alone (the delete until a bare client is notified of it, the same"
                    + " crashes)",
                notified),
            new BenchReport.Floor("and its fence answered", fenced));
    report.tableRow(MEASURES, percentiles.figures() + "; " + beside, percentiles.goals(3, 15));
  }

  /**
   * Deletes the agent's live node as its client would, and returns nanoseconds from the delete
   * until {its firing alert arrived, a bare client was notified of the deletion, that client's
   * fence was answered}.
   */
  private long[] crashAndWait(AgentFleet fleet, String id) throws Exception {
    var alert = receiver.firing(id);
    var deletion = floor.nextDeletion(fleet.livePath(id));
    long t0 = System.nanoTime();
    agentSide.delete().forPath(fleet.livePath(id));
    long arrived = alert.get(ALERT_WITHIN_MS, TimeUnit.MILLISECONDS);
    DeletionFloor.Deletion seen = deletion.get(ALERT_WITHIN_MS, TimeUnit.MILLISECONDS);
    return new long[] {arrived - t0, seen.notifiedNanos() - t0, seen.fencedNanos() - t0};
  }
}
