package io.flumesentinel.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.FenceReached;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.OwnThread;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.testing.TcpProxy;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watch sends a fence on its own when it learns that a live node went, names it on the change,
 * and its answer follows every change of the same transaction on the stream: what the classifier
 * waits for before it decides, with no fence of its own to ask.
 */
class ZkWatchFenceTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ZkLayout LAYOUT = new ZkLayout("/fence-test");

  private TestingServer server;
  private TcpProxy proxy;
  private Readiness readiness;
  private CuratorFramework monitorSide;
  private CuratorFramework agentSide;
  private Vertx vertx;
  private final List<Object> stream = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = Zk.server();
    proxy = new TcpProxy("127.0.0.1", server.getPort());
    monitorSide = Zk.client(proxy.connectString(), Duration.ofSeconds(30));
    agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
    for (String id : List.of("a1", "a2")) {
      agentSide.create().creatingParentsIfNeeded().forPath(LAYOUT.agent(id), "{}".getBytes());
      agentSide
          .create()
          .creatingParentsIfNeeded()
          .withMode(CreateMode.EPHEMERAL)
          .forPath(LAYOUT.live(id), "{}".getBytes());
    }
    vertx = Vertx.vertx();
    LocalCodec.registerAll(vertx);
    vertx
        .eventBus()
        .localConsumer(Addresses.ZK_CHANGES, m -> stream.add(m.body()))
        .completion()
        .await(10, TimeUnit.SECONDS);
    readiness = new Readiness();
    ZkWatchVerticle watch = new ZkWatchVerticle(monitorSide, LAYOUT, readiness);
    vertx.deployVerticle(watch, OwnThread.deploymentOptions(watch)).await(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> stream.stream().anyMatch(WatchSnapshot.class::isInstance));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    agentSide.close();
    monitorSide.close();
    proxy.close();
    server.close();
  }

  @Test
  void aLiveNodesRemovalNamesAFenceWhoseAnswerFollowsTheWholeTransaction() throws Exception {
    // the removal comes first in the transaction: the agent node's deletion must still come
    // before the fence's answer
    agentSide
        .transaction()
        .forOperations(
            agentSide.transactionOp().delete().forPath(LAYOUT.live("a1")),
            agentSide.transactionOp().delete().forPath(LAYOUT.agent("a1")));

    await().atMost(WAIT).until(() -> stream.stream().anyMatch(FenceReached.class::isInstance));
    NodeChange removal = change(NodeChange.Kind.LIVE, "a1");
    assertThat(removal.type()).isEqualTo(NodeChange.Type.DELETED);
    assertThat(removal.fence()).isNotEqualTo(NodeChange.NO_FENCE);
    FenceReached fence = fenceAnswer(removal.fence());
    assertThat(fence.reached()).isTrue();
    assertThat(stream.indexOf(change(NodeChange.Kind.AGENT, "a1")))
        .as("the transaction's second change comes before the fence's answer")
        .isLessThan(stream.indexOf(fence));
  }

  /**
   * A supervisor's crash: the crash record written and the live node removed in one transaction.
   * The removal waits for the record: its fence is answered after the record's change, which the
   * classifier puts in the alert.
   */
  @Test
  void aCrashRecordWrittenWithTheRemovalComesBeforeTheRemovalsFence() throws Exception {
    byte[] record = "{\"crashCount\":1}".getBytes();
    agentSide
        .transaction()
        .forOperations(
            agentSide.transactionOp().setData().forPath(LAYOUT.agent("a1"), record),
            agentSide.transactionOp().delete().forPath(LAYOUT.live("a1")));

    await().atMost(WAIT).until(() -> stream.stream().anyMatch(FenceReached.class::isInstance));
    NodeChange written = change(NodeChange.Kind.AGENT, "a1");
    NodeChange removal = change(NodeChange.Kind.LIVE, "a1");
    assertThat(written.after().data()).isEqualTo(record);
    FenceReached fence = fenceAnswer(removal.fence());
    assertThat(fence.reached()).isTrue();
    assertThat(stream.indexOf(written)).isLessThan(stream.indexOf(removal));
    assertThat(stream.indexOf(removal)).isLessThan(stream.indexOf(fence));
  }

  /**
   * A stop that writes the agent node before it deletes both: the agent node's read, asked when the
   * write was learnt of, is answered after the whole transaction, so the removal's fence still
   * comes after the agent node's deletion, however the fence is had.
   */
  @Test
  void aStopThatWritesTheAgentNodeFirstIsWholeBeforeTheRemovalsFence() throws Exception {
    agentSide
        .transaction()
        .forOperations(
            agentSide.transactionOp().setData().forPath(LAYOUT.agent("a1"), "{}".getBytes()),
            agentSide.transactionOp().delete().forPath(LAYOUT.live("a1")),
            agentSide.transactionOp().delete().forPath(LAYOUT.agent("a1")));

    NodeChange agentGone =
        awaitChange(
            change ->
                change.kind() == NodeChange.Kind.AGENT && change.type() == NodeChange.Type.DELETED);
    NodeChange removal = change(NodeChange.Kind.LIVE, "a1");
    assertThat(stream.indexOf(agentGone))
        .as("the transaction's last change comes before the removal's fence")
        .isLessThan(stream.indexOf(awaitFenceAnswer(removal.fence())));
  }

  /**
   * What a reload after a lost connection finds (a live node gone, another one replaced by a new
   * one) is followed by one fence, sent after the reload.
   */
  @Test
  void liveNodesAReloadFindsGoneOrReplacedNameAFence() throws Exception {
    await().atMost(WAIT).until(readiness::zkConnected);
    proxy.cut();
    await().atMost(WAIT).until(() -> !readiness.zkConnected());
    agentSide.delete().forPath(LAYOUT.live("a1"));
    agentSide.create().withMode(CreateMode.EPHEMERAL).forPath(LAYOUT.live("a1"), "{}".getBytes());
    agentSide.delete().forPath(LAYOUT.live("a2"));
    proxy.restore();

    NodeChange gone =
        awaitChange(
            change -> change.kind() == NodeChange.Kind.LIVE && change.agentId().equals("a2"));
    NodeChange replaced = change(NodeChange.Kind.LIVE, "a1");
    assertThat(replaced.type()).isEqualTo(NodeChange.Type.CHANGED);
    assertThat(gone.type()).isEqualTo(NodeChange.Type.DELETED);
    assertThat(replaced.fence()).isNotEqualTo(NodeChange.NO_FENCE).isEqualTo(gone.fence());
    assertThat(stream.indexOf(gone)).isLessThan(stream.indexOf(awaitFenceAnswer(gone.fence())));
  }

  @Test
  void otherChangesNameNoFence() throws Exception {
    agentSide.setData().forPath(LAYOUT.agent("a2"), "{\"host\":\"h\"}".getBytes());
    agentSide.setData().forPath(LAYOUT.live("a2"), "{\"pid\":1}".getBytes());

    await()
        .atMost(WAIT)
        .until(() -> stream.stream().filter(NodeChange.class::isInstance).count() == 2);
    assertThat(stream)
        .filteredOn(NodeChange.class::isInstance)
        .map(NodeChange.class::cast)
        .allMatch(change -> change.fence() == NodeChange.NO_FENCE);
  }

  /** The first change streamed for {@code agentId} of {@code kind}; there must be one. */
  private NodeChange change(NodeChange.Kind kind, String agentId) {
    return first(
            NodeChange.class, change -> change.kind() == kind && change.agentId().equals(agentId))
        .orElseThrow();
  }

  private FenceReached fenceAnswer(long id) {
    return first(FenceReached.class, fence -> fence.id() == id).orElseThrow();
  }

  /** The first change streamed that matches, once there is one. */
  private NodeChange awaitChange(Predicate<NodeChange> matching) {
    return await()
        .atMost(WAIT)
        .until(() -> first(NodeChange.class, matching), Optional::isPresent)
        .orElseThrow();
  }

  private FenceReached awaitFenceAnswer(long id) {
    return await()
        .atMost(WAIT)
        .until(() -> first(FenceReached.class, fence -> fence.id() == id), Optional::isPresent)
        .orElseThrow();
  }

  private <T> Optional<T> first(Class<T> type, Predicate<T> matching) {
    return stream.stream().filter(type::isInstance).map(type::cast).filter(matching).findFirst();
  }
}
