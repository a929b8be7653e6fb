package io.flumesentinel.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.alert.AlertLedgerVerticle;
import io.flumesentinel.alert.Router;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.event.Notice;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.testing.TestAlerts;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.zk.ZkBatchWriter;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deposed leader's ledger: once a newer term has moved the epoch znode on, its writes are refused
 * and it notifies nobody; a fence revoked from outside (leadership lost) stops it at once; a held
 * fence (the session in doubt) keeps its notices until released, and drops them when revoked.
 */
class FencingTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final ZkLayout LAYOUT = new ZkLayout("/fencing");
  private static final String EPOCH = LAYOUT.monitorEpoch();

  private TestingServer server;
  private CuratorFramework client;
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    server = Zk.server();
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    client.create().creatingParentsIfNeeded().forPath(EPOCH, new byte[0]);
    client.create().creatingParentsIfNeeded().forPath(LAYOUT.alerts());
    vertx = Vertx.vertx();
    LocalCodec.registerAll(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    client.close();
    server.close();
  }

  @Test
  void aWriterStopsOnceTheEpochHasMovedOn() throws Exception {
    AtomicInteger fenced = new AtomicInteger();
    String path = LAYOUT.alert("x");
    var context = vertx.getOrCreateContext();
    ZkBatchWriter[] writer = new ZkBatchWriter[1];
    context.runOnContext(
        v -> {
          writer[0] =
              new ZkBatchWriter(
                  AsyncCuratorFramework.wrap(client),
                  context,
                  Set.of(),
                  Duration.ofMillis(10),
                  new ZkBatchWriter.Fence(EPOCH, 0, fenced::incrementAndGet));
          writer[0].put(path, () -> bytes("one"));
        });
    await().atMost(WAIT).until(() -> "one".equals(read(path)));

    client.setData().forPath(EPOCH, bytes("a newer term")); // version 1
    context.runOnContext(v -> writer[0].put(path, () -> bytes("two")));
    await().atMost(WAIT).until(() -> fenced.get() == 1);
    context.runOnContext(v -> writer[0].put(path, () -> bytes("three")));
    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> "one".equals(read(path)) && fenced.get() == 1);
    assertThat(writer[0].fencedOff()).isTrue();
  }

  @Test
  void aFencedLedgerNotifiesNobody() throws Exception {
    List<Alert> notified = new CopyOnWriteArrayList<>();
    vertx
        .eventBus()
        .<Notice>consumer(
            Addresses.notify("ops"),
            m -> {
              notified.add(m.body().alert());
              vertx
                  .eventBus()
                  .send(
                      Addresses.DELIVERED, new Delivered("ops", List.of(m.body().alert())), LOCAL);
            });
    AtomicInteger fenced = new AtomicInteger();
    ZkBatchWriter.Fence fence = new ZkBatchWriter.Fence(EPOCH, 0, fenced::incrementAndGet);
    deployLedger(fence);
    transition(new Reconciliation(List.of(), Set.of()));
    transition(TestAlerts.firing("before"));
    await().atMost(WAIT).until(() -> notified.size() == 1);
    await().atMost(WAIT).until(() -> client.checkExists().forPath(LAYOUT.alerts()) != null);

    client.setData().forPath(EPOCH, bytes("a newer term"));
    // the first transition after the move still goes (its write is what finds the fence moved)...
    transition(TestAlerts.firing("during"));
    await().atMost(WAIT).until(() -> fenced.get() == 1);
    // ...and nothing after it
    transition(TestAlerts.firing("after"));
    await()
        .during(Duration.ofMillis(500))
        .atMost(WAIT)
        .until(() -> notified.stream().noneMatch(a -> a.agent().equals("after")));
  }

  @Test
  void aRevokedFenceStopsTheLedgerAtOnce() throws Exception {
    List<Alert> notified = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Notice>consumer(Addresses.notify("ops"), m -> notified.add(m.body().alert()));
    ZkBatchWriter.Fence fence = new ZkBatchWriter.Fence(EPOCH, 0, () -> {});
    deployLedger(fence);
    transition(TestAlerts.firing("before"));
    await().atMost(WAIT).until(() -> notified.size() == 1);

    fence.revoke(); // leadership lost
    transition(TestAlerts.firing("after"));
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> notified.size() == 1);
  }

  @Test
  void aHeldFenceKeepsNoticesInOrderUntilReleased() throws Exception {
    List<Alert> notified = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Notice>consumer(Addresses.notify("ops"), m -> notified.add(m.body().alert()));
    ZkBatchWriter.Fence fence = new ZkBatchWriter.Fence(EPOCH, 0, () -> {});
    deployLedger(fence);
    transition(TestAlerts.firing("before"));
    await().atMost(WAIT).until(() -> notified.size() == 1);

    fence.hold(); // the ledger's session is in doubt
    transition(TestAlerts.firing("held-1"));
    transition(TestAlerts.firing("held-2"));
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> notified.size() == 1);

    fence.release(); // the same session is back
    await().atMost(WAIT).until(() -> notified.size() == 3);
    assertThat(notified).extracting(Alert::agent).containsExactly("before", "held-1", "held-2");
  }

  @Test
  void aHeldFenceThatIsRevokedSendsNothingItKept() throws Exception {
    List<Alert> notified = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Notice>consumer(Addresses.notify("ops"), m -> notified.add(m.body().alert()));
    ZkBatchWriter.Fence fence = new ZkBatchWriter.Fence(EPOCH, 0, () -> {});
    deployLedger(fence);
    transition(TestAlerts.firing("before"));
    await().atMost(WAIT).until(() -> notified.size() == 1);

    fence.hold();
    transition(TestAlerts.firing("held"));
    fence.revoke(); // the session was lost: the next term derives it again
    fence.release();
    transition(TestAlerts.firing("after"));
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> notified.size() == 1);
    assertThat(fence.state()).isEqualTo(ZkBatchWriter.Fence.State.REVOKED);
  }

  private void transition(Object message) {
    vertx.eventBus().send(Addresses.TRANSITIONS, message, LOCAL);
  }

  private String read(String path) throws Exception {
    return client.checkExists().forPath(path) == null
        ? null
        : new String(client.getData().forPath(path), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A ledger with one receiver, "ops", writing under {@code fence}. */
  private void deployLedger(ZkBatchWriter.Fence fence) throws Exception {
    vertx
        .deployVerticle(
            new AlertLedgerVerticle(
                AsyncCuratorFramework.wrap(client),
                LAYOUT,
                List.of("ops"),
                Router.of(null, List.of("ops")),
                new Readiness(),
                new SilenceIndex(Clock.systemUTC()),
                Clock.systemUTC(),
                AlertLedgerVerticle.REPEAT_RECHECK,
                fence))
        .await(10, TimeUnit.SECONDS);
  }
}
