package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreTestBase;
import io.flumesentinel.testing.Zk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each verdict of the classifier, from real znode changes on a real ZooKeeper server to the
 * receiver.
 */
class ClassificationTest extends CoreTestBase {

  private void registerRunning(String id) throws Exception {
    agents
        .register(id, AgentNode.of("host-a", "ingest", Map.of("dc", "east")))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    agents
        .goLive(id, new LiveNode(4242, Instant.now(), "1.11.0", 0))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void crashWithSupervisorRecordFiresCrashedWithExitDetails() throws Exception {
    startMonitor();
    registerRunning("s1");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "s1"));

    agents
        .recordCrash(
            "s1", new ExitRecord(null, "KILL", Instant.now(), "java.lang.OutOfMemoryError\n"))
        .toCompletableFuture()
        .get();
    agents.dropLive("s1").toCompletableFuture().get();

    await().atMost(WAIT).until(() -> monitor.receivedFor("s1").size() == 1);
    Alert alert = monitor.receivedFor("s1").get(0);
    assertThat(alert.status()).isEqualTo(Alert.Status.FIRING);
    assertThat(alert.annotations())
        .containsEntry("reason", "CRASHED")
        .containsEntry("signal", "KILL")
        .containsEntry("stderrTail", "java.lang.OutOfMemoryError\n")
        .containsEntry("crashCount", "1");
    assertThat(alert.labels())
        .containsEntry("alertname", "FlumeAgentDown")
        .containsEntry("agent", "s1")
        .containsEntry("host", "host-a")
        .containsEntry("group", "ingest")
        .containsEntry("dc", "east")
        .containsEntry("severity", "critical");
    assertThat(monitor.published).hasSize(1);
    assertThat(monitor.published.get(0).getString("status")).isEqualTo("firing");
  }

  @Test
  void aCrashRecordWrittenAfterTheLiveNodesRemovalInOneTransactionIsSeen() throws Exception {
    startMonitor();
    registerRunning("s4");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "s4"));

    // the live node's removal comes first in the transaction, its crash record second: the
    // monitor decides only once it has followed the whole transaction
    AgentNode crashed =
        AgentNode.of("host-a", "ingest", Map.of("dc", "east"))
            .withCrash(new ExitRecord(137, "KILL", Instant.now(), "killed\n"));
    agentSide
        .transaction()
        .forOperations(
            agentSide.transactionOp().delete().forPath(layout.live("s4")),
            agentSide.transactionOp().setData().forPath(layout.agent("s4"), crashed.toBytes()));

    await().atMost(WAIT).until(() -> monitor.receivedFor("s4").size() == 1);
    assertThat(monitor.receivedFor("s4").get(0).annotations())
        .containsEntry("reason", "CRASHED")
        .containsEntry("signal", "KILL")
        .containsEntry("crashCount", "1");
  }

  @Test
  void aDeliberateStopWhoseAgentNodeGoesFirstRaisesNoAlertEither() throws Exception {
    startMonitor();
    registerRunning("s5");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "s5"));

    agentSide
        .transaction()
        .forOperations(
            agentSide.transactionOp().delete().forPath(layout.agent("s5")),
            agentSide.transactionOp().delete().forPath(layout.live("s5")));

    await()
        .atMost(WAIT)
        .until(() -> monitor.sawEvent("STOPPED", "s5") && monitor.sawEvent("DEREGISTERED", "s5"));
    assertThat(monitor.received).isEmpty();
  }

  @Test
  void liveNodeExpiringWithoutCrashRecordFiresSessionLost() throws Exception {
    startMonitor();
    registerRunning("s2");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "s2"));

    agentSide.close(); // the session that owns the live node ends; the agent node stays

    await().atMost(WAIT).until(() -> monitor.receivedFor("s2").size() == 1);
    assertThat(monitor.receivedFor("s2").get(0).annotations())
        .containsEntry("reason", "SESSION_LOST");
    agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
  }

  @Test
  void deliberateStopRaisesNoAlert() throws Exception {
    startMonitor();
    registerRunning("s3");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "s3"));

    assertThat(agents.deregister("s3").toCompletableFuture().get()).isTrue();

    await()
        .atMost(WAIT)
        .until(() -> monitor.sawEvent("STOPPED", "s3") && monitor.sawEvent("DEREGISTERED", "s3"));
    assertThat(monitor.received).isEmpty();
    assertThat(monitor.published).isEmpty();
    assertThat(agentSide.checkExists().forPath(layout.agent("s3"))).isNull();
  }

  @Test
  void liveNodeComingBackResolvesTheAlert() throws Exception {
    startMonitor();
    registerRunning("s4");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "s4"));
    agents
        .recordCrash("s4", new ExitRecord(1, null, Instant.now(), "boom"))
        .toCompletableFuture()
        .get();
    agents.dropLive("s4").toCompletableFuture().get();
    await().atMost(WAIT).until(() -> monitor.receivedFor("s4").size() == 1);

    agents.goLive("s4", new LiveNode(4243, Instant.now(), "1.11.0", 1)).toCompletableFuture().get();

    await().atMost(WAIT).until(() -> monitor.receivedFor("s4").size() == 2);
    Alert firing = monitor.receivedFor("s4").get(0);
    Alert resolved = monitor.receivedFor("s4").get(1);
    assertThat(resolved.status()).isEqualTo(Alert.Status.RESOLVED);
    assertThat(resolved.annotations())
        .containsEntry("resolution", "RECOVERED")
        .containsEntry("exitCode", "1");
    assertThat(resolved.startsAt()).isEqualTo(firing.startsAt());
    assertThat(resolved.fingerprint()).isEqualTo(firing.fingerprint());
    assertThat(resolved.endsAt()).isAfterOrEqualTo(firing.startsAt());
    // the ledger forgets an incident once every receiver has its resolved notice
    await()
        .atMost(WAIT)
        .until(() -> agentSide.checkExists().forPath(layout.alert(firing.key())) == null);
  }

  @Test
  void agentsDownWhileNoMonitorWatchedFireAtStartUp() throws Exception {
    agents
        .register("never-started", AgentNode.of("host-b", null, Map.of()))
        .toCompletableFuture()
        .get();
    agents
        .register("crashed-earlier", AgentNode.of("host-b", null, Map.of()))
        .toCompletableFuture()
        .get();
    agents
        .recordCrash("crashed-earlier", new ExitRecord(137, "KILL", Instant.now(), ""))
        .toCompletableFuture()
        .get();
    registerRunning("healthy");

    startMonitor();

    await().atMost(WAIT).until(() -> monitor.received.size() == 2);
    assertThat(monitor.receivedFor("never-started").get(0).annotations())
        .containsEntry("reason", "NOT_RUNNING");
    assertThat(monitor.receivedFor("crashed-earlier").get(0).annotations())
        .containsEntry("reason", "CRASHED")
        .containsEntry("exitCode", "137");
    assertThat(monitor.receivedFor("healthy")).isEmpty();
  }

  @Test
  void garbledAndOversizedNodeDataDoNotStopTheMonitor() throws Exception {
    startMonitor();
    agentSide
        .create()
        .creatingParentsIfNeeded()
        .forPath(layout.agent("garbled"), "{not json".getBytes(StandardCharsets.UTF_8));
    agents.goLive("garbled", new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    byte[] big = new byte[1_000_000];
    java.util.Arrays.fill(big, (byte) 'x');
    agentSide.create().forPath(layout.agent("big"), big);
    agentSide.create().forPath(layout.live("big"), big);
    String unknownFields = "{\"host\":\"h\",\"future\":{\"x\":[1,2]},\"crashCount\":0}";
    agentSide
        .create()
        .forPath(layout.agent("newer"), unknownFields.getBytes(StandardCharsets.UTF_8));
    agentSide
        .create()
        .forPath(
            layout.live("newer"), "{\"pid\":\"not a number\"}".getBytes(StandardCharsets.UTF_8));
    agentSide.create().forPath(layout.live() + "/bad id!", new byte[0]);
    await()
        .atMost(WAIT)
        .until(
            () ->
                monitor.sawEvent("STARTED", "garbled")
                    && monitor.sawEvent("STARTED", "big")
                    && monitor.sawEvent("STARTED", "newer"));

    agents.dropLive("garbled").toCompletableFuture().get();
    agents.dropLive("big").toCompletableFuture().get();
    agents.dropLive("newer").toCompletableFuture().get();

    await().atMost(WAIT).until(() -> monitor.received.size() == 3);
    assertThat(monitor.receivedFor("garbled").get(0).annotations())
        .containsEntry("reason", "SESSION_LOST")
        .containsKey("nodeDataError");
    assertThat(monitor.receivedFor("big").get(0).annotations()).containsKey("nodeDataError");
    assertThat(monitor.receivedFor("newer").get(0).labels()).containsEntry("host", "h");

    // and the monitor still classifies what comes next
    registerRunning("after");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "after"));
    agents.dropLive("after").toCompletableFuture().get();
    await().atMost(WAIT).until(() -> monitor.receivedFor("after").size() == 1);
  }

  @Test
  void liveNodeGoneBeforeTheMonitorCouldReadItStillAlerts() throws Exception {
    startMonitor();
    agents
        .register("blink", AgentNode.of("host-a", "ingest", Map.of()))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> monitor.sawEvent("REGISTERED", "blink"));

    agentSide.create().creatingParentsIfNeeded().forPath(layout.live());
    // created and removed in one transaction: the monitor's read of the new node can only
    // find it gone
    agentSide
        .transaction()
        .forOperations(
            agentSide
                .transactionOp()
                .create()
                .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
                .forPath(layout.live("blink"), new LiveNode(1, Instant.now(), "", 0).toBytes()),
            agentSide.transactionOp().delete().forPath(layout.live("blink")));

    await().atMost(WAIT).until(() -> monitor.receivedFor("blink").size() == 1);
    assertThat(monitor.receivedFor("blink").get(0).annotations())
        .containsEntry("reason", "SESSION_LOST");
  }
}
