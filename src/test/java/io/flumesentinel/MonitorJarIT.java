package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.MonitorJar;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.testing.ZooKeeperProcess;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar as an operator runs it, against a ZooKeeper server in its own JVM, with agents held
 * by other processes, and a real webhook receiver.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorJarIT {

  private static final Duration AGENT_SESSION = Duration.ofSeconds(2);
  private static final ZkLayout LAYOUT = ZkLayout.defaults();

  @TempDir static Path dir;
  private static ZooKeeperProcess zooKeeper;
  private static MonitorJar monitor;
  private static String connect;
  private static WebhookReceiver receiver;
  private static CuratorFramework client;
  private static Registration agents;

  @BeforeAll
  static void start() throws Exception {
    zooKeeper = ZooKeeperProcess.start();
    connect = zooKeeper.connectString();
    client = Zk.client(connect, Duration.ofSeconds(10));
    agents = new Registration(AsyncCuratorFramework.wrap(client), LAYOUT);
    // registered while no monitor runs, and not running
    agents
        .register("early", AgentNode.of("host-e", "e2e", Map.of()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    receiver = WebhookReceiver.start();
    monitor = MonitorJar.start(dir, connect, receiver);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (monitor != null) {
        int exit = monitor.stop(Duration.ofSeconds(15));
        assertThat(exit).as("monitor exit code after SIGTERM").isIn(0, 143);
        assertThat(monitor.output())
            .as("monitor log")
            .noneMatch(line -> line.contains("has been blocked"));
        assertThat(monitor.output())
            .as("monitor log")
            .anyMatch(line -> line.contains("Stopping the monitor"));
      }
    } finally {
      if (client != null) {
        client.close();
      }
      if (receiver != null) {
        receiver.close();
      }
      if (zooKeeper != null) {
        zooKeeper.close();
      }
    }
  }

  @Test
  @Order(1)
  void agentRegisteredWhileMonitorWasDownAlertsAtStartUp() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.alertsFor("early").isEmpty());
    WebhookReceiver.Received alert = receiver.alertsFor("early").get(0);
    assertThat(alert.status()).isEqualTo("firing");
    assertThat(alert.annotation("reason")).isEqualTo("NOT_RUNNING");
    assertThat(receiver.bodies().get(0).getString("version")).isEqualTo("4");
    assertThat(receiver.bodies().get(0).getString("receiver")).isEqualTo("ops");
  }

  @Test
  @Order(2)
  void killedProcessHoldingTheLiveNodeAlertsWithinSessionTimeoutPlusOneSecondThenResolves()
      throws Exception {
    try (ChildJvm holder =
        ChildJvm.main(
            "io.flumesentinel.testing.LiveNodeHolder",
            connect,
            LAYOUT.root(),
            "k1",
            Long.toString(AGENT_SESSION.toMillis()))) {
      holder.await("LIVE", Duration.ofSeconds(30));
      long killedAt = System.nanoTime();
      holder.kill();

      await()
          .atMost(AGENT_SESSION.plusSeconds(5))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> !receiver.alertsFor("k1").isEmpty());
      WebhookReceiver.Received alert = receiver.alertsFor("k1").get(0);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(alert.arrivedNanos() - killedAt);
      System.out.println(
          "SIGKILL to firing webhook: "
              + elapsedMs
              + " ms (session timeout "
              + AGENT_SESSION.toMillis()
              + " ms)");
      assertThat(elapsedMs).isLessThanOrEqualTo(AGENT_SESSION.toMillis() + 1000);
      assertThat(alert.status()).isEqualTo("firing");
      assertThat(alert.annotation("reason")).isEqualTo("SESSION_LOST");
    }

    agents
        .goLive("k1", new LiveNode(1, Instant.now(), "test", 0))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.alertsFor("k1").size() == 2);
    WebhookReceiver.Received resolved = receiver.alertsFor("k1").get(1);
    assertThat(resolved.status()).isEqualTo("resolved");
    assertThat(resolved.annotation("resolution")).isEqualTo("RECOVERED");
  }

  @Test
  @Order(3)
  void deliberateStopRaisesNoAlert() throws Exception {
    agents
        .register("d1", AgentNode.of("host-d", "e2e", Map.of()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    agents
        .goLive("d1", new LiveNode(1, Instant.now(), "test", 0))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(agents.deregister("d1").toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();

    // an abnormal exit after the stop: once its alert is in, the stop would have been alerted too
    agents
        .register("marker", AgentNode.of("host-d", "e2e", Map.of()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    agents
        .goLive("marker", new LiveNode(1, Instant.now(), "test", 0))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    agents.dropLive("marker").toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.alertsFor("marker").isEmpty());
    assertThat(receiver.alertsFor("d1")).isEmpty();
  }

  @Test
  @Order(4)
  void receiverAnswering503For25SecondsLosesNothingAndHealthStaysPrompt() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = String.format("storm-%02d", i);
      ids.add(id);
      agents
          .register(id, AgentNode.of("host-s", "e2e", Map.of()))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      agents
          .goLive(id, new LiveNode(1, Instant.now(), "test", 0))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
    receiver.answer(503);
    long downUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
    for (String id : ids) {
      agents.dropLive(id).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    long slowestHealthMs = 0;
    while (System.nanoTime() < downUntil) {
      long before = System.nanoTime();
      assertThat(monitor.get("/health/live")).isEqualTo(200);
      slowestHealthMs =
          Math.max(slowestHealthMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before));
      Thread.sleep(200);
    }
    assertThat(receiver.alerts().stream().filter(a -> a.agent().startsWith("storm-"))).isEmpty();
    receiver.answer(200);

    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                receiver.alerts().stream().filter(a -> a.agent().startsWith("storm-")).count()
                    == 20);
    List<String> order =
        receiver.alerts().stream()
            .map(WebhookReceiver.Received::agent)
            .filter(a -> a.startsWith("storm-"))
            .toList();
    System.out.println(
        "503 for 25 s: slowest /health/live "
            + slowestHealthMs
            + " ms; delivered afterwards in order: "
            + order);
    assertThat(order).containsExactlyElementsOf(ids);
    assertThat(slowestHealthMs).isLessThan(1000);
  }

  @Test
  @Order(5)
  void brokenConfigStopsTheJarWithOneLineAndExitCode2() throws Exception {
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "zookeeper:\n  sessionTimeoutMs: -5\n");
    Process process =
        new ProcessBuilder(
                ChildJvm.java(), "-jar", MonitorJar.jar(), "monitor", "--config", broken.toString())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = new String(process.getErrorStream().readAllBytes()).strip();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(stderr.lines()).hasSize(1);
    assertThat(stderr).contains("zookeeper.sessionTimeoutMs");
  }

  @Test
  @Order(6)
  void aKilledAndRestartedMonitorSendsNothingDeliveredAgain() throws Exception {
    // Firing and acknowledged by now: NOT_RUNNING (early), SESSION_LOST (marker, storm-*), which a
    // restarted monitor, not having seen them go, derives as NOT_RUNNING: the same incidents.
    await().atMost(Duration.ofSeconds(15)).until(MonitorJarIT::everyFiringAlertAcknowledged);
    int before = receiver.alerts().size();
    monitor.kill();
    monitor = MonitorJar.start(dir, connect, receiver);

    agents
        .register("after-restart", AgentNode.of("host-r", "e2e", Map.of()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    agents
        .goLive("after-restart", new LiveNode(1, Instant.now(), "test", 0))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    agents.dropLive("after-restart").toCompletableFuture().get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> receiver.alertsFor("after-restart").size() == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiver.alerts().size() == before + 1);
  }

  /** Whether every firing alert on record has its acknowledgement by "ops" recorded. */
  private static boolean everyFiringAlertAcknowledged() throws Exception {
    for (String child : client.getChildren().forPath(LAYOUT.alerts())) {
      JsonObject entry =
          new JsonObject(
              new String(client.getData().forPath(LAYOUT.alert(child)), StandardCharsets.UTF_8));
      if ("firing".equals(entry.getJsonObject("alert").getString("status"))
          && !"firing".equals(entry.getJsonObject("sent").getString("ops"))) {
        return false;
      }
    }
    return true;
  }
}
