package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ResourceHealth;
import io.flumesentinel.protocol.ResourceHealth.Status;
import io.flumesentinel.protocol.ResourceHealth.Verdict;
import io.flumesentinel.testing.CoreTestBase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * FlumeAgentMemory and FlumeAgentGc from the resources of real agent nodes on a real ZooKeeper
 * server to the receiver, and the supervisor's restart reason in the down alert.
 */
class ResourceClassificationTest extends CoreTestBase {

  private static final Instant SINCE = Instant.parse("2026-03-01T10:00:00Z");
  private static final Verdict MEMORY_HIGH =
      new Verdict(
          Status.HIGH,
          "heap 97% of 64 MB (threshold 90%) for 300000 ms",
          SINCE,
          Map.of("heapUsedBytes", "65000000", "heapMaxBytes", "67108864", "rssBytes", "150000000"));
  private static final Verdict GC_HIGH =
      new Verdict(
          Status.HIGH,
          "garbage collection takes 35% of the time (threshold 20%) for 300000 ms",
          SINCE.plusSeconds(30),
          Map.of("gcPercent", "35"));

  private AgentNode registerRunning(String id) throws Exception {
    AgentNode node = AgentNode.of("host-a", "ingest", Map.of("dc", "east"));
    agents.register(id, node).toCompletableFuture().get(5, TimeUnit.SECONDS);
    agents
        .goLive(id, new LiveNode(4242, Instant.now(), "1.11.0", 0))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    return node;
  }

  private void write(String id, AgentNode node) throws Exception {
    agents.update(id, node).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private List<Alert> named(String id, String alertname) {
    return monitor.receivedFor(id).stream().filter(a -> a.alertname().equals(alertname)).toList();
  }

  @Test
  void memoryAndGcFireAndResolveEachOnTheirOwn() throws Exception {
    startMonitor();
    AgentNode node = registerRunning("r1");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "r1"));

    write("r1", node.withResources(new ResourceHealth(MEMORY_HIGH, null)));
    await().atMost(WAIT).until(() -> named("r1", AgentAlerts.AGENT_MEMORY).size() == 1);
    Alert memory = named("r1", AgentAlerts.AGENT_MEMORY).get(0);
    assertThat(memory.firing()).isTrue();
    assertThat(memory.labels())
        .containsEntry("alertname", "FlumeAgentMemory")
        .containsEntry("agent", "r1")
        .containsEntry("dc", "east")
        .containsEntry("severity", "warning");
    assertThat(memory.annotations())
        .containsEntry("reason", "MEMORY")
        .containsEntry("heapUsedBytes", "65000000")
        .containsEntry("heapMaxBytes", "67108864");
    assertThat(memory.annotation("description")).startsWith("heap 97% of 64 MB");
    assertThat(memory.startsAt()).isEqualTo(SINCE);

    write("r1", node.withResources(new ResourceHealth(MEMORY_HIGH, GC_HIGH)));
    await().atMost(WAIT).until(() -> named("r1", AgentAlerts.AGENT_GC).size() == 1);
    Alert gc = named("r1", AgentAlerts.AGENT_GC).get(0);
    assertThat(gc.annotations()).containsEntry("reason", "GC").containsEntry("gcPercent", "35");
    assertThat(gc.annotation("summary")).contains("spends much of its time collecting garbage");

    write("r1", node.withResources(new ResourceHealth(Verdict.ok(Instant.now()), GC_HIGH)));
    await().atMost(WAIT).until(() -> named("r1", AgentAlerts.AGENT_MEMORY).size() == 2);
    assertThat(named("r1", AgentAlerts.AGENT_MEMORY).get(1).status())
        .isEqualTo(Alert.Status.RESOLVED);
    assertThat(named("r1", AgentAlerts.AGENT_MEMORY).get(1).annotations())
        .containsEntry("resolution", "RECOVERED");

    // a restart on purpose: the crash record (with its reason, without resources) and the live
    // node's removal in one multi
    agents
        .recordCrashAndDropLive(
            "r1",
            node.withCrash(
                    new ExitRecord(null, "TERM", Instant.now(), "")
                        .withRestartReason("RSS 612 MB over 512 MB for 3 checks"))
                .withResources(null))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> named("r1", AgentAlerts.AGENT_GC).size() == 2);
    assertThat(named("r1", AgentAlerts.AGENT_GC).get(1).annotations())
        .containsEntry("resolution", "DOWN");
    await().atMost(WAIT).until(() -> named("r1", AgentAlerts.AGENT_DOWN).size() == 1);
    Alert down = named("r1", AgentAlerts.AGENT_DOWN).get(0);
    assertThat(down.annotations())
        .containsEntry("reason", "CRASHED")
        .containsEntry("signal", "TERM")
        .containsEntry(
            "restartReason", "restarted by the supervisor: RSS 612 MB over 512 MB for 3 checks");
    assertThat(down.annotation("summary"))
        .isEqualTo(
            "Flume agent r1 on host-a was restarted by its supervisor: RSS 612 MB over 512 MB for 3"
                + " checks");
  }

  @Test
  void aStoppedAgentResolvesItsResourceAlertsSilently() throws Exception {
    startMonitor();
    AgentNode node = registerRunning("r2");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "r2"));
    write("r2", node.withResources(new ResourceHealth(MEMORY_HIGH, null)));
    await().atMost(WAIT).until(() -> named("r2", AgentAlerts.AGENT_MEMORY).size() == 1);

    agents.deregister("r2").toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> named("r2", AgentAlerts.AGENT_MEMORY).size() == 2);
    assertThat(named("r2", AgentAlerts.AGENT_MEMORY).get(1).annotations())
        .containsEntry("resolution", "STOPPED");
    assertThat(named("r2", AgentAlerts.AGENT_DOWN)).isEmpty();
  }
}
