package io.flumesentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.Monitor;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One agent dies at a time: the time from a client deleting the agent's live node to the firing
 * alert reaching the webhook receiver. Goal: p50 under 3 ms, p99 under 15 ms.
 */
@Tag("bench")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashLatencyBench {

  private static final int WARM_UP = 200;
  private static final int MEASURED = 1_000;
  private static final long ALERT_WITHIN_MS = 10_000;

  private final BenchReport report = new BenchReport("crash-latency");
  private ZooKeeperProcess zooKeeper;
  private WebhookReceiver receiver;
  private CuratorFramework agentSide;
  private Monitor monitor;

  @BeforeAll
  void start() throws Exception {
    zooKeeper = ZooKeeperProcess.start();
    receiver = WebhookReceiver.start();
    agentSide = Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() throws Exception {
    if (monitor != null) {
      monitor.close();
    }
    if (agentSide != null) {
      agentSide.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (zooKeeper != null) {
      zooKeeper.close();
    }
  }

  @Test
  void liveNodeDeletedToFiringWebhook() throws Exception {
    AgentFleet fleet = AgentFleet.of("/bench-crash", "agent", WARM_UP + MEASURED);
    fleet.register(agentSide);
    fleet.goLive(agentSide);
    monitor = InProcessMonitor.startReady(zooKeeper.connectString(), fleet.root(), receiver.url());

    List<String> warmUp = fleet.ids().subList(0, WARM_UP);
    List<String> measured = fleet.ids().subList(WARM_UP, fleet.ids().size());
    for (String id : warmUp) {
      crashAndWait(fleet, id);
    }
    double[] latencies = new double[measured.size()];
    for (int i = 0; i < latencies.length; i++) {
      latencies[i] = BenchReport.ms(crashAndWait(fleet, measured.get(i)));
    }
    assertThat(receiver.malformed()).isEmpty();

    report.latencies("agents=" + fleet.ids().size() + " warmUp=" + WARM_UP, latencies, 3, 15);
  }

  /**
   * Deletes the agent's live node as its client would, and returns nanoseconds until its firing
   * alert arrived.
   */
  private long crashAndWait(AgentFleet fleet, String id) throws Exception {
    var alert = receiver.firing(id);
    long t0 = System.nanoTime();
    agentSide.delete().forPath(fleet.livePath(id));
    long arrived = alert.get(ALERT_WITHIN_MS, TimeUnit.MILLISECONDS);
    return arrived - t0;
  }
}
