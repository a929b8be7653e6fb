package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.ConnectionChange.State;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.event.Notice;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.silence.TestSilences;
import io.flumesentinel.testing.TcpProxy;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.WebhookReceiver.Received;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * The monitor's own ZooKeeper connection is cut: operators get one alert saying so, through the
 * receivers, and no flood of agent alerts when the connection is back, only the agents that really
 * went down meanwhile.
 */
class ZooKeeperLossTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration SESSION = Duration.ofSeconds(2);
  private static final String ROOT = "/zk-loss";

  @Test
  void aCutLongerThanTheSessionTimeoutIsOneAlertAndOnlyRealCrashesFollow() throws Exception {
    try (TestingServer server = Zk.server();
        TcpProxy proxy = new TcpProxy("127.0.0.1", server.getPort());
        WebhookReceiver receiver = WebhookReceiver.start()) {
      CuratorFramework agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
      ZkConfig zk =
          new ZkConfig(
              proxy.connectString(),
              ROOT,
              SESSION,
              Duration.ofSeconds(1),
              0,
              Path.of("target", "unused"));
      MonitorConfig config =
          new MonitorConfig(
              zk,
              new HttpConfig("127.0.0.1", 0),
              ClassifierConfig.defaults(),
              List.of(WebhookReceiverConfig.of("ops", List.of(receiver.url()))),
              "");
      try (Monitor monitor = Monitor.start(config, Clock.systemUTC())) {
        Registration agents =
            new Registration(AsyncCuratorFramework.wrap(agentSide), new ZkLayout(ROOT));
        for (String id : List.of("stays-1", "stays-2", "stays-3", "dies")) {
          agents
              .register(id, AgentNode.of("host-a", "ingest", Map.of()))
              .toCompletableFuture()
              .get();
          agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
        }
        await().atMost(WAIT).until(() -> monitor.readiness().ready());

        proxy.cut();
        // The monitor's session expires; the agents' sessions (direct) do not.
        await().atMost(WAIT).until(() -> !lossAlerts(receiver, "firing").isEmpty());
        assertThat(receiver.alerts()).hasSize(1);
        JsonObject loss = lossAlerts(receiver, "firing").get(0).alert();
        assertThat(loss.getJsonObject("labels").getString("severity")).isEqualTo("critical");
        assertThat(loss.getJsonObject("labels").containsKey("agent")).isFalse();
        assertThat(loss.getJsonObject("annotations").getString("summary"))
            .contains("lost its ZooKeeper connection")
            .contains(proxy.connectString());

        agents
            .recordCrashAndDropLive(
                "dies",
                AgentNode.of("host-a", "ingest", Map.of())
                    .withCrash(new ExitRecord(137, "KILL", Instant.now(), "")))
            .toCompletableFuture()
            .get();
        proxy.restore();

        await()
            .atMost(WAIT)
            .until(
                () ->
                    !lossAlerts(receiver, "resolved").isEmpty()
                        && !receiver.alertsFor("dies").isEmpty());
        assertThat(lossAlerts(receiver, "firing")).hasSize(1);
        assertThat(receiver.alertsFor("dies"))
            .extracting(Received::status, r -> r.annotation("reason"))
            .containsExactly(org.assertj.core.groups.Tuple.tuple("firing", "CRASHED"));
        // Nothing about the agents that kept running, now or a little later.
        await()
            .during(Duration.ofSeconds(1))
            .atMost(Duration.ofSeconds(5))
            .until(() -> receiver.alerts().stream().noneMatch(a -> a.agent().startsWith("stays-")));
      } finally {
        agentSide.close();
      }
    }
  }

  /** The verticle alone, fed connection changes: what fires when, and who hears of it. */
  @Test
  void aShortSuspensionIsSilentAndASessionLossFiresAtOnce() throws Exception {
    try (TestVertx test = new TestVertx()) {
      test.deploy(Duration.ofSeconds(30));

      test.connection(State.SUSPENDED);
      test.connection(State.RECONNECTED);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(test.notified::isEmpty);
      assertThat(test.published).isEmpty();

      test.connection(State.SUSPENDED);
      test.connection(State.LOST);
      await().atMost(WAIT).until(() -> test.notified.size() == 1);
      Alert firing = test.notified.get(0);
      assertThat(firing.firing()).isTrue();
      assertThat(firing.alertname()).isEqualTo(ZooKeeperLossVerticle.ALERTNAME);
      assertThat(firing.subject()).isEqualTo("monitor-1");

      test.connection(State.LOST); // Curator may say so more than once: still one alert
      test.connection(State.RECONNECTED);
      await().atMost(WAIT).until(() -> test.notified.size() == 2);
      Alert resolved = test.notified.get(1);
      assertThat(resolved.firing()).isFalse();
      assertThat(resolved.startsAt()).isEqualTo(firing.startsAt());
      assertThat(resolved.annotation("resolution")).isEqualTo("RECONNECTED");
      await().atMost(WAIT).until(() -> test.published.size() == 2);
    }
  }

  @Test
  void anUnusableConnectionFiresOnceItHasLastedTheSessionTimeout() throws Exception {
    try (TestVertx test = new TestVertx()) {
      test.deploy(Duration.ofMillis(200));

      long suspended = System.nanoTime();
      test.connection(State.SUSPENDED);
      await().atMost(WAIT).until(() -> test.notified.size() == 1);
      assertThat(System.nanoTime() - suspended)
          .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
      assertThat(test.notified.get(0).firing()).isTrue();
    }
  }

  @Test
  void aSilencedLossIsPublishedAsSilencedAndSentToNobody() throws Exception {
    try (TestVertx test = new TestVertx()) {
      // Planned ZooKeeper maintenance.
      test.deploy(
          Duration.ofSeconds(30),
          TestSilences.activeFor(
              Clock.systemUTC(), "alertname=" + ZooKeeperLossVerticle.ALERTNAME));

      test.connection(State.LOST);
      await().atMost(WAIT).until(() -> test.published.size() == 1);
      JsonObject published = test.published.get(0);
      assertThat(published.getString("status")).isEqualTo("firing");
      assertThat(published.getJsonArray("silencedBy")).hasSize(1);

      test.connection(State.RECONNECTED);
      await().atMost(WAIT).until(() -> test.published.size() == 2);
      assertThat(test.published.get(1).getString("status")).isEqualTo("resolved");
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(test.notified::isEmpty);
    }
  }

  private static List<Received> lossAlerts(WebhookReceiver receiver, String status) {
    return receiver.alerts().stream()
        .filter(
            a ->
                ZooKeeperLossVerticle.ALERTNAME.equals(
                        a.alert().getJsonObject("labels").getString("alertname"))
                    && a.status().equals(status))
        .toList();
  }

  /** A Vert.x with the verticle and a receiver "ops" that every alert is routed to. */
  private static final class TestVertx implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final List<Alert> notified = new CopyOnWriteArrayList<>();
    final List<JsonObject> published = new CopyOnWriteArrayList<>();

    TestVertx() {
      LocalCodec.registerAll(vertx);
      vertx
          .eventBus()
          .<Notice>localConsumer(Addresses.notify("ops"), m -> notified.add(m.body().alert()));
      vertx.eventBus().<JsonObject>consumer(Addresses.ALERTS, m -> published.add(m.body()));
    }

    void deploy(Duration after) throws Exception {
      deploy(after, new SilenceIndex(Clock.systemUTC()));
    }

    void deploy(Duration after, SilenceIndex silences) throws Exception {
      vertx
          .deployVerticle(
              new ZooKeeperLossVerticle(
                  "monitor-1",
                  "zk-1:2181",
                  after,
                  Router.of(null, List.of("ops")),
                  silences,
                  Clock.systemUTC()))
          .await(10, TimeUnit.SECONDS);
    }

    void connection(State state) {
      vertx
          .eventBus()
          .publish(
              Addresses.ZK_CONNECTION,
              new ConnectionChange(state),
              new DeliveryOptions().setLocalOnly(true));
    }

    @Override
    public void close() throws Exception {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
