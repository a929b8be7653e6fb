package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreTestBase;
import io.flumesentinel.testing.FleetWriter;
import io.flumesentinel.testing.Zk;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/**
 * Agent nodes larger than one ZooKeeper reply allows in bulk: a fleet whose nodes each carry a Java
 * stack trace, and nodes far over the size the monitor reads. The monitor becomes ready, alerts on
 * every agent, and tells of a node too large to read in that agent's alert.
 */
class LargeAgentNodesTest extends CoreTestBase {

  private static final Duration LONG_WAIT = Duration.ofSeconds(60);

  /** What a supervisor records after a crash with a Java stack trace: a full 4 KB tail. */
  static String stackTrace() {
    StringBuilder trace =
        new StringBuilder(
            "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n");
    for (int i = 0; trace.length() < ExitRecord.MAX_STDERR_TAIL; i++) {
      trace
          .append("\tat org.apache.flume.channel.file.Log.replay(Log.java:")
          .append(i)
          .append(")\n");
    }
    return trace.substring(0, ExitRecord.MAX_STDERR_TAIL);
  }

  @Test
  void fourHundredAgentsWithAStackTraceEachAreLoadedAndAllAlertWhenTheirSessionCloses()
      throws Exception {
    AgentNode crashedOnce =
        AgentNode.of("web-1", "ingest", Map.of("dc", "dc1"))
            .withCrash(new ExitRecord(1, null, Instant.now(), stackTrace()));
    byte[] agentData = crashedOnce.toBytes();
    assertThat(agentData.length).isGreaterThan(4096);
    List<String> ids = FleetWriter.longIds(400);
    CuratorFramework fleet = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    try {
      FleetWriter.parents(agentSide, layout.agents(), layout.live());
      FleetWriter.create(agentSide, layout.agents(), ids, id -> agentData, CreateMode.PERSISTENT);
      byte[] live = new LiveNode(42, Instant.now(), "1.11", 1).toBytes();
      FleetWriter.create(fleet, layout.live(), ids, id -> live, CreateMode.EPHEMERAL);

      startMonitor();
    } finally {
      fleet.close();
    }

    await().atMost(LONG_WAIT).until(() -> monitor.received.size() >= 400);
    Set<String> alerted = monitor.received.stream().map(Alert::agent).collect(Collectors.toSet());
    assertThat(alerted).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(monitor.received).hasSize(400);
  }

  @Test
  void twoAgentNodesOfSixHundredKilobytesAreToldApartFromTheOthers() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String id = "agent-" + i;
      ids.add(id);
      agents.register(id, AgentNode.of("web-" + i, "ingest", Map.of())).toCompletableFuture().get();
    }
    byte[] huge = AgentNode.of("h".repeat(600 * 1024), "ingest", Map.of()).toBytes();
    assertThat(huge.length).isGreaterThan(600 * 1024);
    for (String id : List.of("huge-1", "huge-2")) {
      agentSide.create().forPath(layout.agent(id), huge);
      ids.add(id);
    }
    for (String id : ids) {
      agents.goLive(id, new LiveNode(7, Instant.now(), "1.11", 0)).toCompletableFuture().get();
    }

    startMonitor();
    for (String id : List.of("huge-1", "agent-7", "huge-2")) {
      agents.dropLive(id).toCompletableFuture().get();
    }

    await().atMost(WAIT).until(() -> monitor.received.size() >= 3);
    Alert normal = monitor.receivedFor("agent-7").get(0);
    assertThat(normal.labels()).containsEntry("host", "web-7");
    assertThat(normal.annotation("nodeDataError")).isNull();
    for (String id : List.of("huge-1", "huge-2")) {
      Alert alert = monitor.receivedFor(id).get(0);
      assertThat(alert.annotation("nodeDataError"))
          .startsWith("agent node too large to read: " + String.format("%,d", huge.length))
          .contains("limit 65,536");
    }
    assertThat(monitor.received).hasSize(3);
  }
}
