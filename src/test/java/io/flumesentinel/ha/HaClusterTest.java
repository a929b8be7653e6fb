package io.flumesentinel.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.examples.AlertSubscriber;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.ClusterTls;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two monitors of one root on a real three-server ZooKeeper ensemble, one webhook receiver: one
 * notification per crash, a standby that takes over when the active monitor goes, no false or lost
 * alert while ZooKeeper servers (the ensemble's leader too) restart, and an application of its own
 * that joins the cluster and receives every alert the webhook receives.
 */
class HaClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final Duration MONITOR_SESSION = Duration.ofSeconds(4);
  private static final Duration AGENT_SESSION = Duration.ofSeconds(8);

  private static TestingCluster ensemble;
  private static int roots;

  private final List<Monitor> monitors = new ArrayList<>();
  private final List<AutoCloseable> closeLast = new ArrayList<>();
  private CuratorFramework agentSide;
  private Registration agents;
  private WebhookReceiver receiver;
  private String root;

  @BeforeAll
  static void startEnsemble() throws Exception {
    List<InstanceSpec> specs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // a 400 ms tick: sessions of 0.8..8 s
      specs.add(new InstanceSpec(null, -1, -1, -1, true, -1, 400, 100));
    }
    ensemble = new TestingCluster(specs);
    ensemble.start();
  }

  @AfterAll
  static void stopEnsemble() throws Exception {
    ensemble.close();
  }

  @org.junit.jupiter.api.BeforeEach
  void setUp() throws Exception {
    root = "/ha-" + (++roots);
    receiver = WebhookReceiver.start();
    agentSide = Zk.client(ensemble.getConnectString(), AGENT_SESSION);
    agents = new Registration(AsyncCuratorFramework.wrap(agentSide), new ZkLayout(root));
  }

  @AfterEach
  void tearDown() throws Exception {
    monitors.forEach(Monitor::close);
    agentSide.close();
    receiver.close();
    for (AutoCloseable each : closeLast) {
      each.close();
    }
  }

  @Test
  void twoMonitorsSendOneNotificationPerCrash() throws Exception {
    running("a1", "a2", "a3");
    Monitor first = monitor();
    Monitor second = monitor();
    awaitOneActive();

    crash("a1");
    crash("a2");
    await().atMost(WAIT).until(() -> firing("a1") == 1 && firing("a2") == 1);
    // the other monitor must not follow with its own
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> firing("a1") == 1 && firing("a2") == 1);
    assertThat(receiver.alertsFor("a3")).isEmpty();
    assertThat(List.of(first.readiness().role(), second.readiness().role()))
        .containsExactlyInAnyOrder(Readiness.Role.ACTIVE, Readiness.Role.STANDBY);
  }

  @Test
  void theStandbyTakesOverWithoutRepeatingWhatWasDelivered() throws Exception {
    running("b1", "b2", "b3");
    monitor();
    monitor();
    Monitor active = awaitOneActive();
    crash("b1");
    await().atMost(WAIT).until(() -> firing("b1") == 1);
    // the acknowledgement is on record before the active monitor goes
    await().atMost(WAIT).until(() -> sentOnRecord("b1"));

    long closedAt = System.nanoTime();
    active.close();
    monitors.remove(active);
    crash("b2"); // while the standby takes over
    Monitor next = awaitOneActive();
    await().atMost(WAIT).until(() -> firing("b2") == 1);
    long handoverMs = (receiver.firing("b2").get() - closedAt) / 1_000_000;
    System.out.printf("HA handover (clean stop of the active monitor): %d ms%n", handoverMs);

    crash("b3");
    await().atMost(WAIT).until(() -> firing("b3") == 1);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> firing("b1") == 1 && firing("b2") == 1 && firing("b3") == 1);
    assertThat(next.readiness().role()).isEqualTo(Readiness.Role.ACTIVE);
  }

  @Test
  void restartingEveryZooKeeperServerRaisesNoFalseAlertAndLosesNone() throws Exception {
    running("c1", "c2", "c3");
    monitor();
    monitor();
    awaitOneActive();
    await().atMost(WAIT).until(() -> monitors.stream().allMatch(m -> m.readiness().ready()));

    InstanceSpec leader = ensembleLeader();
    List<InstanceSpec> order = new ArrayList<>(ensemble.getInstances());
    order.remove(leader);
    order.add(0, leader); // the ensemble's leader first
    for (InstanceSpec server : order) {
      assertThat(ensemble.killServer(server)).isTrue();
      if (server == order.get(1)) {
        crash("c1"); // a crash while a server is down
      }
      assertThat(ensemble.restartServer(server)).isTrue();
      await().atMost(WAIT).until(() -> serverMode(server) != null);
    }
    await().atMost(WAIT).until(() -> firing("c1") == 1);
    crash("c2"); // after the restarts
    await().atMost(WAIT).until(() -> firing("c2") == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(6))
        .until(() -> firing("c1") == 1 && firing("c2") == 1);
    assertThat(receiver.alertsFor("c3")).isEmpty();
    assertThat(receiver.alerts()).allMatch(a -> !"FlumeSentinelZooKeeperLost".equals(name(a)));
  }

  @Test
  void anApplicationInTheClusterReceivesWhatTheWebhookReceives() throws Exception {
    running("d1", "d2");
    monitor();
    monitor();
    awaitOneActive();
    ChildJvm subscriber =
        ChildJvm.main(
            AlertSubscriber.class.getName(),
            ensemble.getConnectString(),
            root + "/vertx",
            "--state",
            "--tls",
            ClusterTls.shared().application().keyStore().toString(),
            ClusterTls.shared().trustStore().toString(),
            ClusterTls.shared().passwordFile().toString());
    closeLast.add(subscriber);
    subscriber.await("SUBSCRIBED", WAIT);
    String state = subscriber.await("STATE (.*)", WAIT);
    assertThat(new JsonObject(state).getJsonArray("agents")).hasSize(2);
    // Subscriptions reach the monitors through ZooKeeper: wait until an event published after the
    // subscription arrives (the alerts consumer was registered before the events one).
    running("d-probe");
    await()
        .atMost(WAIT)
        .until(
            () ->
                subscriber.output().stream()
                    .anyMatch(line -> line.startsWith("EVENT ") && line.contains("d-probe")));

    crash("d1");
    await().atMost(WAIT).until(() -> firing("d1") == 1);
    agents.goLive("d1", new LiveNode(2, Instant.now(), "", 1)).toCompletableFuture().get();
    await().atMost(WAIT).until(() -> receiver.alertsFor("d1").size() == 2);
    await().atMost(WAIT).until(() -> published(subscriber).size() == 2);
    List<String> webhook =
        receiver.alertsFor("d1").stream()
            .map(a -> a.alert().getString("status") + " " + a.alert().getString("fingerprint"))
            .toList();
    List<String> bus =
        published(subscriber).stream()
            .map(a -> a.getString("status") + " " + a.getString("fingerprint"))
            .toList();
    assertThat(bus).isEqualTo(webhook);
  }

  private static List<JsonObject> published(ChildJvm subscriber) {
    return subscriber.output().stream()
        .filter(line -> line.startsWith("ALERT "))
        .map(line -> new JsonObject(line.substring("ALERT ".length())))
        .toList();
  }

  private Monitor monitor() throws Exception {
    ZkConfig zk =
        new ZkConfig(
            ensemble.getConnectString(),
            root,
            MONITOR_SESSION,
            Duration.ofSeconds(3),
            0,
            Path.of("target", "unused"));
    MonitorConfig config =
        new MonitorConfig(
                zk,
                new HttpConfig("127.0.0.1", 0),
                ClassifierConfig.defaults(),
                List.of(WebhookReceiverConfig.of("ops", List.of(receiver.url()))),
                "",
                null)
            .withCluster(ClusterTls.shared().cluster("127.0.0.1"));
    Monitor monitor = Monitor.start(config, Clock.systemUTC());
    monitors.add(monitor);
    return monitor;
  }

  private Monitor awaitOneActive() {
    Monitor[] found = new Monitor[1];
    await()
        .atMost(WAIT)
        .until(
            () -> {
              List<Monitor> active =
                  monitors.stream()
                      .filter(m -> m.readiness().role() == Readiness.Role.ACTIVE)
                      .filter(m -> m.readiness().ready())
                      .toList();
              found[0] = active.size() == 1 ? active.get(0) : null;
              return found[0] != null;
            });
    return found[0];
  }

  private void running(String... ids) throws Exception {
    for (String id : ids) {
      agents.register(id, AgentNode.of("host-a", "ingest", Map.of())).toCompletableFuture().get();
      agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    }
  }

  private void crash(String id) throws Exception {
    agents
        .recordCrashAndDropLive(
            id,
            AgentNode.of("host-a", "ingest", Map.of())
                .withCrash(new ExitRecord(137, "KILL", Instant.now(), "")))
        .toCompletableFuture()
        .get();
  }

  private long firing(String agent) {
    return receiver.alertsFor(agent).stream().filter(a -> a.status().equals("firing")).count();
  }

  private boolean sentOnRecord(String agent) throws Exception {
    List<String> children = agentSide.getChildren().forPath(root + "/alerts");
    for (String child : children) {
      JsonObject entry =
          new JsonObject(
              new String(
                  agentSide.getData().forPath(root + "/alerts/" + child), StandardCharsets.UTF_8));
      if (child.endsWith("." + agent)) {
        return "firing".equals(entry.getJsonObject("sent").getString("ops"));
      }
    }
    return false;
  }

  private static String name(WebhookReceiver.Received alert) {
    return alert.alert().getJsonObject("labels").getString("alertname");
  }

  private static InstanceSpec ensembleLeader() throws Exception {
    for (InstanceSpec spec : ensemble.getInstances()) {
      if ("leader".equals(serverMode(spec))) {
        return spec;
      }
    }
    throw new IllegalStateException("the ensemble has no leader");
  }

  /** The server's mode from the {@code srvr} four-letter word, or {@code null} if not serving. */
  private static String serverMode(InstanceSpec spec) {
    try (Socket socket = new Socket("127.0.0.1", spec.getPort())) {
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("Mode: ")) {
          return line.substring("Mode: ".length()).strip();
        }
      }
      return null;
    } catch (Exception e) {
      return null;
    }
  }
}
