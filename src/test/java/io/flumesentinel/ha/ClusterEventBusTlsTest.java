package io.flumesentinel.ha;

import static io.flumesentinel.ha.ClusteredMonitors.active;
import static io.flumesentinel.ha.ClusteredMonitors.crash;
import static io.flumesentinel.ha.ClusteredMonitors.firing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClusterConfig;
import io.flumesentinel.config.ClusterTlsConfig;
import io.flumesentinel.config.ZkTlsConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ClusterTls;
import io.flumesentinel.testing.TestCertificates;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.zookeeper.ZookeeperClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster secured with {@code cluster.tls}, against programs that reach ZooKeeper and the event
 * bus: one without TLS, and one with a self-signed certificate the members do not trust (which
 * itself trusts any server). Both register in ZooKeeper as Vert.x members do (keeping them out of
 * ZooKeeper is the ensemble's ACLs' job); neither exchanges anything with the members: they receive
 * no alert, get no answer from {@code flume.sentinel.state}, and what they publish or answer
 * reaches nobody. An application with a trusted certificate, registered after them, receives the
 * alerts and the state.
 */
class ClusterEventBusTlsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final String ROOT = "/bus-tls";
  private static final ClusteredMonitors CLUSTER = new ClusteredMonitors(ROOT, SESSION);
  private static final DeliveryOptions ASK = new DeliveryOptions().setSendTimeout(3_000);
  private static final String FORGED = "forged";

  private final List<Vertx> nodes = new ArrayList<>();

  /** Closes the test's own nodes while ZooKeeper is still there for them to leave. */
  private void leave() throws Exception {
    for (Vertx node : nodes) {
      node.close().await(30, TimeUnit.SECONDS);
    }
    nodes.clear();
  }

  @Test
  void onlyMembersWithATrustedCertificateReceiveAskAndPublish() throws Exception {
    ClusterTls tls = ClusterTls.shared();
    try (TestingServer server = Zk.server();
        WebhookReceiver receiver = WebhookReceiver.start()) {
      CuratorFramework client = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
      try {
        Registration agents =
            new Registration(AsyncCuratorFramework.wrap(client), new ZkLayout(ROOT));
        running(agents, "t1");
        running(agents, "t2");
        try (Monitor monitor = CLUSTER.start(server.getConnectString(), receiver)) {
          await().atMost(WAIT).until(() -> active(monitor));

          Vertx plain = node(server, new EventBusOptions().setHost("127.0.0.1"));
          Vertx stranger = node(server, strangerBus(tls.stranger()));
          List<Vertx> rogues = List.of(plain, stranger);
          for (Vertx rogue : rogues) {
            // The active monitor's is the only handler of the state yet: it never answers them.
            assertThat(failure(ask(rogue)))
                .isNotNull()
                .satisfies(ClusterEventBusTlsTest::notUnheard);
          }
          List<JsonObject> plainAlerts = subscribe(plain, Addresses.ALERTS);
          List<JsonObject> strangerAlerts = subscribe(stranger, Addresses.ALERTS);
          for (Vertx rogue : rogues) {
            rogue
                .eventBus()
                .consumer(
                    Addresses.STATE,
                    m -> m.reply(new JsonObject().put("monitor", FORGED).put("active", true)))
                .completion()
                .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          }

          Vertx application = node(server, tls.applicationBus(tls.application()));
          List<JsonObject> applicationAlerts = subscribe(application, Addresses.ALERTS);
          List<JsonObject> applicationEvents = subscribe(application, Addresses.EVENTS);
          // Subscriptions reach the monitor through ZooKeeper, in order: once an event published
          // after the application's last subscription arrives, the monitor knows every one.
          running(agents, "t-probe");
          await()
              .atMost(WAIT)
              .until(
                  () -> applicationEvents.stream().anyMatch(e -> e.encode().contains("t-probe")));

          for (Vertx rogue : rogues) {
            rogue.eventBus().publish(Addresses.ALERTS, forgedResolution("t1"));
          }
          // Requests go round robin to the monitor and to the rogues' handlers: the application
          // gets the monitor's answers, and never a rogue's.
          List<Future<JsonObject>> asked = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            asked.add(ask(application));
          }
          List<JsonObject> answers = new ArrayList<>();
          for (Future<JsonObject> answer : asked) {
            if (failure(answer) == null) {
              answers.add(answer.result());
            }
          }
          assertThat(answers)
              .isNotEmpty()
              .allSatisfy(
                  state -> {
                    assertThat(state.getString("monitor")).isNotEqualTo(FORGED);
                    assertThat(state.getJsonArray("agents")).hasSize(3);
                  });

          crash(agents, "t1", "host-t1");
          await().atMost(WAIT).until(() -> firing(receiver, "t1") == 1);
          await().atMost(WAIT).until(() -> !genuine(applicationAlerts, "t1").isEmpty());
          assertThat(genuine(applicationAlerts, "t1"))
              .extracting(a -> a.getString("status"))
              .containsExactly("firing");
          await()
              .during(Duration.ofSeconds(2))
              .atMost(Duration.ofSeconds(6))
              .until(
                  () ->
                      genuine(plainAlerts, "t1").isEmpty()
                          && genuine(strangerAlerts, "t1").isEmpty());
          assertThat(applicationAlerts).allMatch(a -> !forged(a));
          assertThat(receiver.alertsFor("t1"))
              .extracting(a -> a.status())
              .containsExactly("firing");
        }
      } finally {
        leave();
        client.close();
      }
    }
  }

  @Test
  void aMonitorWithPemFilesAnswersAnApplicationWithAKeyStore(@TempDir Path dir) throws Exception {
    ClusterTls tls = ClusterTls.shared();
    Path trustPem = dir.resolve("trust.pem");
    Files.writeString(
        trustPem,
        Files.readString(tls.member().certPem()) + Files.readString(tls.application().certPem()));
    ClusterTlsConfig pem =
        new ClusterTlsConfig(
            new ClusterTlsConfig.Store(
                tls.member().certPem(),
                ZkTlsConfig.StoreType.PEM,
                null,
                null,
                tls.member().keyPem()),
            new ClusterTlsConfig.Store(trustPem, ZkTlsConfig.StoreType.PEM, null, null, null));
    try (TestingServer server = Zk.server();
        WebhookReceiver receiver = WebhookReceiver.start()) {
      CuratorFramework client = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
      try {
        running(new Registration(AsyncCuratorFramework.wrap(client), new ZkLayout(ROOT)), "p1");
        try (Monitor monitor =
            CLUSTER.start(
                server.getConnectString(),
                receiver,
                new ClusterConfig(true, null, "127.0.0.1", 0, pem, false))) {
          await().atMost(WAIT).until(() -> active(monitor));
          Vertx application = node(server, tls.applicationBus(tls.application()));
          JsonObject state = ask(application).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          assertThat(state.getJsonArray("agents").getJsonObject(0).getString("id")).isEqualTo("p1");
        }
      } finally {
        leave();
        client.close();
      }
    }
  }

  private static void running(Registration agents, String id) throws Exception {
    agents.register(id, AgentNode.of("host-" + id, "ingest", Map.of())).toCompletableFuture().get();
    agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
  }

  private static Future<JsonObject> ask(Vertx node) {
    return node.eventBus().<JsonObject>request(Addresses.STATE, "", ASK).map(Message::body);
  }

  /** Waits until {@code future} completes: what it failed with, or {@code null} on success. */
  private static Throwable failure(Future<?> future) {
    await().atMost(WAIT).until(future::isComplete);
    return future.cause();
  }

  /** A request that failed because it went out and nobody answered, not for want of a handler. */
  private static void notUnheard(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      assertThat(reply.failureType()).isNotEqualTo(ReplyFailure.NO_HANDLERS);
    }
  }

  private static List<JsonObject> subscribe(Vertx node, String address) throws Exception {
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    node.eventBus()
        .<JsonObject>consumer(address, m -> received.add(m.body()))
        .completion()
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return received;
  }

  /** What a rogue would publish to silence an incident. */
  private static JsonObject forgedResolution(String agent) {
    return new JsonObject()
        .put("status", "resolved")
        .put("labels", new JsonObject().put("alertname", "FlumeAgentDown").put("agent", agent))
        .put("annotations", new JsonObject().put("summary", FORGED));
  }

  private static boolean forged(JsonObject alert) {
    JsonObject annotations = alert.getJsonObject("annotations");
    return annotations != null && FORGED.equals(annotations.getString("summary"));
  }

  /** The alerts about {@code agent} that the monitor published. */
  private static List<JsonObject> genuine(List<JsonObject> alerts, String agent) {
    return alerts.stream()
        .filter(a -> !forged(a))
        .filter(a -> agent.equals(a.getJsonObject("labels").getString("agent")))
        .toList();
  }

  /** A clustered Vert.x on the monitors' ZooKeeper path, as any application starts one. */
  private Vertx node(TestingServer server, EventBusOptions bus) throws Exception {
    JsonObject zookeeper =
        new JsonObject()
            .put("zookeeperHosts", server.getConnectString())
            .put("rootPath", ROOT.substring(1) + "/vertx")
            .put("sessionTimeout", 10_000)
            .put("connectTimeout", 3_000);
    Vertx node =
        Vertx.builder()
            .with(new VertxOptions().setEventBusOptions(bus))
            .withClusterManager(new ZookeeperClusterManager(zookeeper))
            .buildClustered()
            .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    nodes.add(node);
    return node;
  }

  /** TLS with a self-signed certificate of its own, accepting whatever server it meets. */
  private static EventBusOptions strangerBus(TestCertificates.Identity identity) {
    return new EventBusOptions()
        .setHost("127.0.0.1")
        .setSsl(true)
        .setKeyCertOptions(
            new PfxOptions()
                .setPath(identity.keyStore().toString())
                .setPassword(TestCertificates.PASSWORD))
        .setTrustAll(true);
  }
}
