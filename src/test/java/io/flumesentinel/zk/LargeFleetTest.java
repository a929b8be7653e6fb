package io.flumesentinel.zk;

import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreHarness;
import io.flumesentinel.testing.CoreTestBase;
import io.flumesentinel.testing.FleetWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 40,000 running agents with 38-character ids: each listing is 1.7 MB, over a ZooKeeper client's
 * default 1 MB limit. The monitor's clients accept it and the monitor becomes ready.
 *
 * <p>Tagged {@code bench} ({@code -Pbench}): with the server, the fleet and the monitor in one JVM
 * (sessions of at most 2 s on the test server), a loaded machine can stall it past the
 * blocked-thread limit; {@code LargeFleetBench} runs the same with 100,000 agents in separate JVMs.
 */
@Tag("bench")
class LargeFleetTest extends CoreTestBase {

  @Test
  void fortyThousandRunningAgentsWithLongIdsBecomeReady() throws Exception {
    List<String> ids = FleetWriter.longIds(40_000);
    byte[] agent = AgentNode.of("ingest-host", "ingest", Map.of("dc", "dc1")).toBytes();
    byte[] live = new LiveNode(42, Instant.now(), "1.11", 0).toBytes();
    FleetWriter.parents(agentSide, layout.agents(), layout.live());
    FleetWriter.create(agentSide, layout.agents(), ids, id -> agent, CreateMode.PERSISTENT);
    FleetWriter.create(agentSide, layout.live(), ids, id -> live, CreateMode.EPHEMERAL);

    monitor = new CoreHarness(server.getConnectString(), layout, ClassifierConfig.defaults());
    await().atMost(Duration.ofSeconds(30)).until(monitor.readiness::ready);
  }
}
