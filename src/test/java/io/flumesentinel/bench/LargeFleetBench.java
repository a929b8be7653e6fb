package io.flumesentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.FleetWriter;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/**
 * The largest fleet supported: 100,000 running agents with 38-character ids ({@code
 * ingest-host-0001.dc1.example.com-a-123}), each listing 4.2 MB. The monitor from its command line
 * in a JVM of its own (256 MB heap at most): the time from process start to ready (goal: under 10
 * s) and the heap in use after a full GC (goal: under 256 MB); then one session owning 10,000 of
 * the agents closes, and every one of their alerts must reach the webhook receiver.
 */
class LargeFleetBench extends ZooKeeperBench {

  private static final int AGENTS = 100_000;
  private static final int STORM = 10_000;
  private static final String ROOT = "/bench-large-fleet";

  private final BenchReport report = new BenchReport("large-fleet", LargeFleetBench.class);

  @Test
  void oneHundredThousandAgentsReadyThenAStormOfTenThousand() throws Exception {
    ZkLayout layout = new ZkLayout(ROOT);
    List<String> ids = FleetWriter.longIds(AGENTS);
    List<String> storm = ids.subList(0, STORM);
    byte[] agent = AgentNode.of("ingest-host", "ingest", Map.of("dc", "dc1")).toBytes();
    byte[] live = new LiveNode(4242, Instant.now(), "1.11", 0).toBytes();
    FleetWriter.parents(agentSide, layout.agents(), layout.live());
    FleetWriter.create(agentSide, layout.agents(), ids, id -> agent, CreateMode.PERSISTENT);
    CuratorFramework stormSession = Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30));
    try {
      FleetWriter.create(stormSession, layout.live(), storm, id -> live, CreateMode.EPHEMERAL);
      FleetWriter.create(
          agentSide, layout.live(), ids.subList(STORM, AGENTS), id -> live, CreateMode.EPHEMERAL);

      Path log = Path.of(System.getProperty("basedir", "."), "target", "bench-large-fleet.log");
      try (MonitorProcess monitor =
          MonitorProcess.start(zooKeeper.connectString(), ROOT, receiver.url(), log)) {
        double readyMillis = monitor.awaitReadyMillis();
        double heapMegabytes = monitor.heapAfterGcMegabytes();
        report.line(
            "agents="
                + AGENTS
                + " timeToReady="
                + BenchReport.ms(readyMillis)
                + "ms heapAfterGc="
                + BenchReport.ms(heapMegabytes)
                + "MB "
                + BenchReport.goal("timeToReady", readyMillis, 10_000, "ms")
                + "; "
                + BenchReport.goal("heapAfterGc", heapMegabytes, 256, "MB"));

        var everyAlert = receiver.allFiring(storm);
        long closed = System.nanoTime();
        stormSession.close();
        everyAlert.get(180, TimeUnit.SECONDS);
        double stormMillis = (System.nanoTime() - closed) / 1e6;
        long delivered =
            receiver.alerts().stream()
                .filter(a -> a.status().equals("firing"))
                .map(WebhookReceiver.Received::agent)
                .distinct()
                .count();
        report.line(
            "storm="
                + STORM
                + " sessionClosed→allFiring="
                + BenchReport.ms(stormMillis)
                + "ms delivered="
                + delivered);
        assertThat(delivered).isEqualTo(STORM);
      }
    } finally {
      stormSession.close();
    }
  }
}
