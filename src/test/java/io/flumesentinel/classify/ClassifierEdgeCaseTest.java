package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Orders of events a real watch produces only under rare timing (a restart faster than the watch, a
 * read while the connection is down), fed to the classifier directly, with ZooKeeper's answers
 * stubbed.
 */
class ClassifierEdgeCaseTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<Alert> transitions = new CopyOnWriteArrayList<>();
  private final List<Reconciliation> reconciliations = new CopyOnWriteArrayList<>();
  private final Map<String, NodeData> agentNodes = new ConcurrentHashMap<>();
  private final AtomicBoolean zooKeeperDown = new AtomicBoolean();
  private final AtomicLong zxid = new AtomicLong(100);

  @BeforeEach
  void setUp() throws Exception {
    LocalCodec.registerAll(vertx);
    vertx
        .eventBus()
        .consumer(
            Addresses.CLASSIFIED,
            m -> {
              if (m.body() instanceof Alert alert) {
                transitions.add(alert);
              } else if (m.body() instanceof Reconciliation reconciliation) {
                reconciliations.add(reconciliation);
              }
            });
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private void deploy(ClassifierConfig config) throws Exception {
    AgentNodeReader reader =
        id ->
            zooKeeperDown.get()
                ? Future.failedFuture(
                    new org.apache.zookeeper.KeeperException.ConnectionLossException())
                : Future.succeededFuture(agentNodes.get(id));
    vertx
        .deployVerticle(
            new ClassifierVerticle(
                config, context -> reader, new AgentAlerts(""), Clock.systemUTC()))
        .await(5, TimeUnit.SECONDS);
  }

  private NodeData agent(long crashCount) {
    AgentNode node =
        new AgentNode(
            "h",
            "g",
            Map.of(),
            Instant.now(),
            crashCount,
            crashCount == 0 ? null : new ExitRecord(1, null, Instant.now(), "stack"));
    return new NodeData(node.toBytes(), 1, zxid.incrementAndGet(), 0);
  }

  private NodeData live(long crashCount) {
    long created = zxid.incrementAndGet();
    return new NodeData(
        new LiveNode(1, Instant.now(), "", crashCount).toBytes(), created, created, 0);
  }

  private void send(Object message) throws Exception {
    vertx.eventBus().send(Addresses.ZK_CHANGES, message, new DeliveryOptions().setLocalOnly(true));
  }

  private void snapshot(String id, NodeData agent, NodeData live) throws Exception {
    send(new WatchSnapshot(Map.of(id, agent), live == null ? Map.of() : Map.of(id, live)));
  }

  @Test
  void crashCountRisingUnderANewerLiveNodeIsReportedNotSwallowed() throws Exception {
    deploy(ClassifierConfig.defaults());
    NodeData oldLive = live(0);
    agentNodes.put("f1", agent(0));
    snapshot("f1", agentNodes.get("f1"), oldLive);
    // the watch missed the removal: it sees the new run's live node, then the crash record
    NodeData newLive = live(1);
    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.CHANGED, "f1", newLive, newLive));
    NodeData crashed = agent(1);
    agentNodes.put("f1", crashed);
    send(new NodeChange(NodeChange.Kind.AGENT, NodeChange.Type.CHANGED, "f1", null, crashed));

    await().atMost(Duration.ofSeconds(5)).until(() -> transitions.size() == 2);
    assertThat(transitions.get(0).firing()).isTrue();
    assertThat(transitions.get(0).annotations())
        .containsEntry("reason", "CRASHED")
        .containsEntry("exitCode", "1");
    assertThat(transitions.get(1).firing()).isFalse();
    assertThat(transitions.get(1).annotations()).containsEntry("resolution", "RECOVERED");
  }

  @Test
  void crashRecordArrivingBeforeTheRemovalRaisesOneAlertNotTwo() throws Exception {
    deploy(ClassifierConfig.defaults());
    NodeData running = live(0);
    agentNodes.put("f2", agent(0));
    snapshot("f2", agentNodes.get("f2"), running);
    NodeData crashed = agent(1);
    agentNodes.put("f2", crashed);
    send(new NodeChange(NodeChange.Kind.AGENT, NodeChange.Type.CHANGED, "f2", null, crashed));
    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.DELETED, "f2", running, null));
    NodeData restarted = live(1);
    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.CREATED, "f2", null, restarted));

    await().atMost(Duration.ofSeconds(5)).until(() -> transitions.size() == 2);
    assertThat(transitions)
        .extracting(Alert::status)
        .containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
  }

  @Test
  void removalSeenWhileZooKeeperIsUnreachableIsDecidedWhenItIsBack() throws Exception {
    deploy(ClassifierConfig.defaults());
    NodeData running = live(0);
    agentNodes.put("u1", agent(0));
    snapshot("u1", agentNodes.get("u1"), running);
    zooKeeperDown.set(true);
    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.DELETED, "u1", running, null));
    // a deliberate stop happened meanwhile: unknown must not have been taken for "absent" (no
    // alert)
    // nor for "present" (no alert either) until ZooKeeper answers
    agentNodes.remove("u1");
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(transitions::isEmpty);

    zooKeeperDown.set(false);
    vertx
        .eventBus()
        .publish(
            Addresses.ZK_CONNECTION,
            new ConnectionChange(ConnectionChange.State.RECONNECTED),
            new DeliveryOptions().setLocalOnly(true));
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(transitions::isEmpty);

    // the same situation where the agent node is still there is an abnormal exit,
    // decided on reconnect
    NodeData second = live(0);
    agentNodes.put("u2", agent(0));
    send(
        new NodeChange(
            NodeChange.Kind.AGENT, NodeChange.Type.CREATED, "u2", null, agentNodes.get("u2")));
    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.CREATED, "u2", null, second));
    zooKeeperDown.set(true);
    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.DELETED, "u2", second, null));
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(transitions::isEmpty);
    zooKeeperDown.set(false);
    vertx
        .eventBus()
        .publish(
            Addresses.ZK_CONNECTION,
            new ConnectionChange(ConnectionChange.State.RECONNECTED),
            new DeliveryOptions().setLocalOnly(true));
    await().atMost(Duration.ofSeconds(5)).until(() -> transitions.size() == 1);
    assertThat(transitions.get(0).annotations()).containsEntry("reason", "SESSION_LOST");
    assertThat(transitions.get(0).agent()).isEqualTo("u2");
  }

  @Test
  void graceLetsAQuickComebackPassSilently() throws Exception {
    deploy(new ClassifierConfig(Duration.ofMillis(400), Duration.ofSeconds(60)));
    NodeData running = live(0);
    agentNodes.put("g1", agent(0));
    snapshot("g1", agentNodes.get("g1"), running);
    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.DELETED, "g1", running, null));
    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.CREATED, "g1", null, live(0)));
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(2))
        .until(transitions::isEmpty);

    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.DELETED, "g1", live(0), null));
    await().atMost(Duration.ofSeconds(5)).until(() -> transitions.size() == 1);
    assertThat(transitions.get(0).annotations()).containsEntry("reason", "SESSION_LOST");
  }

  @Test
  void reconciliationIsSentOnceWithTheAgentsThatAreDown() throws Exception {
    deploy(ClassifierConfig.defaults());
    send(new WatchSnapshot(Map.of("down", agent(0), "up", agent(0)), Map.of("up", live(0))));
    await().atMost(Duration.ofSeconds(5)).until(() -> reconciliations.size() == 1);
    assertThat(reconciliations.get(0).firing()).extracting(Alert::agent).containsExactly("down");
    assertThat(reconciliations.get(0).running()).containsExactly("up");
  }

  @Test
  void registeredAgentThatNeverGoesLiveFiresNotRunningAfterTheStartTimeout() throws Exception {
    deploy(new ClassifierConfig(Duration.ZERO, Duration.ofMillis(300)));
    send(new WatchSnapshot(Map.of(), Map.of()));
    send(new NodeChange(NodeChange.Kind.AGENT, NodeChange.Type.CREATED, "slow", null, agent(0)));
    send(new NodeChange(NodeChange.Kind.AGENT, NodeChange.Type.CREATED, "quick", null, agent(0)));
    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.CREATED, "quick", null, live(0)));

    await().atMost(Duration.ofSeconds(5)).until(() -> transitions.size() == 1);
    assertThat(transitions.get(0).agent()).isEqualTo("slow");
    assertThat(transitions.get(0).annotations()).containsEntry("reason", "NOT_RUNNING");
  }

  @Test
  void removalOfALiveNodeNeverSeenDoesNotDowngradeACrashAlreadyReported() throws Exception {
    deploy(ClassifierConfig.defaults());
    agentNodes.put("q1", agent(0));
    snapshot("q1", agentNodes.get("q1"), null);
    // the run came and went before the watch could read its live node: the crash record arrives
    // first, then the removal of a live node whose data was never seen
    NodeData crashed = agent(1);
    agentNodes.put("q1", crashed);
    send(new NodeChange(NodeChange.Kind.AGENT, NodeChange.Type.CHANGED, "q1", null, crashed));
    send(new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.DELETED, "q1", null, null));

    await().atMost(Duration.ofSeconds(5)).until(() -> transitions.size() >= 1);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> transitions.size() == 1);
    // (NOT_RUNNING at start-up came with the reconciliation) CRASHED with the exit details, and
    // nothing after it
    assertThat(transitions.get(0).annotations()).containsEntry("reason", "CRASHED");
  }
}
