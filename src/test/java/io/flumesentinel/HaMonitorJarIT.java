package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.ClusterTls;
import io.flumesentinel.testing.LiveNodeHolder;
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
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two fat-jar monitors with {@code cluster: true} (mutual TLS on the event bus) on one ZooKeeper:
 * each crash is one webhook; the active one is killed with SIGKILL and a crash right after it is
 * alerted by the standby within the session timeout plus 2 s, without repeating what was already
 * delivered (a crash, and a host whose session expired, which the standby derives as NOT_RUNNING).
 * The handover time is printed.
 */
@Tag("extended")
class HaMonitorJarIT {

  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final Duration AGENT_SESSION = Duration.ofSeconds(2);
  private static final ZkLayout LAYOUT = ZkLayout.defaults();

  @TempDir Path dir;

  @Test
  void sigkillOfTheActiveMonitorHandsOverWithinTheSessionTimeoutPlusTwoSeconds() throws Exception {
    List<MonitorJar> monitors = new ArrayList<>();
    try (ZooKeeperProcess zooKeeper = ZooKeeperProcess.start();
        WebhookReceiver receiver = WebhookReceiver.start()) {
      CuratorFramework client = Zk.client(zooKeeper.connectString(), Duration.ofSeconds(10));
      try {
        Registration agents = new Registration(AsyncCuratorFramework.wrap(client), LAYOUT);
        for (String id : List.of("h1", "h2", "h3")) {
          agents.register(id, AgentNode.of("host-h", "ha", Map.of())).toCompletableFuture().get();
          agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
        }
        ClusterTls tls = ClusterTls.create(Files.createDirectories(dir.resolve("tls")));
        for (String name : List.of("a", "b")) {
          Path own = Files.createDirectories(dir.resolve(name));
          MonitorJar monitor =
              MonitorJar.launch(
                  own,
                  zooKeeper.connectString(),
                  receiver,
                  List.of(
                      "  sessionTimeoutMs: " + SESSION.toMillis(), "  connectionTimeoutMs: 2000"),
                  tls.yaml("127.0.0.1"));
          monitors.add(monitor);
          monitor.awaitReady();
        }
        MonitorJar active = awaitActive(monitors);
        MonitorJar standby = monitors.get(0) == active ? monitors.get(1) : monitors.get(0);
        assertThat(role(standby)).isEqualTo("standby");
        // A standby sends nothing, so it shows no delivery counters; the active one does.
        assertThat(new JsonObject(standby.body("/status")).getJsonObject("receivers")).isEmpty();
        assertThat(new JsonObject(active.body("/status")).getJsonObject("receivers")).isNotEmpty();

        crash(agents, "h1");
        await().atMost(Duration.ofSeconds(10)).until(() -> firing(receiver, "h1") == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged(client, "h1"));
        // A host that dies: its live node expires with no crash record, a SESSION_LOST. The
        // standby did not see it go and derives it as NOT_RUNNING after the takeover: the same
        // incident, not to be sent again.
        try (ChildJvm holder =
            ChildJvm.main(
                LiveNodeHolder.class.getName(),
                zooKeeper.connectString(),
                LAYOUT.root(),
                "s1",
                Long.toString(AGENT_SESSION.toMillis()))) {
          holder.await("LIVE", Duration.ofSeconds(30));
          holder.kill();
          await().atMost(Duration.ofSeconds(20)).until(() -> firing(receiver, "s1") == 1);
        }
        assertThat(receiver.alertsFor("s1").get(0).annotation("reason")).isEqualTo("SESSION_LOST");
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged(client, "s1"));

        active.kill();
        long killedAt = System.nanoTime();
        crash(agents, "h2"); // right after the kill: only the standby can alert it
        await()
            .atMost(SESSION.plusSeconds(2))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> firing(receiver, "h2") == 1);
        long handoverMs = (receiver.firing("h2").get() - killedAt) / 1_000_000;
        System.out.printf(
            "HA handover after SIGKILL of the active monitor (session timeout %d ms):"
                + " crash alerted %d ms after the kill%n",
            SESSION.toMillis(), handoverMs);
        assertThat(role(standby)).isEqualTo("active");

        crash(agents, "h3");
        await().atMost(Duration.ofSeconds(10)).until(() -> firing(receiver, "h3") == 1);
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    firing(receiver, "h1") == 1
                        && firing(receiver, "h2") == 1
                        && firing(receiver, "h3") == 1
                        && firing(receiver, "s1") == 1);
        assertThat(receiver.alertsFor("s1"))
            .extracting(a -> a.status() + " " + a.annotation("reason"))
            .containsExactly("firing SESSION_LOST");
        assertThat(standby.output()).noneMatch(line -> line.contains("has been blocked"));
      } finally {
        monitors.forEach(MonitorJar::close);
        client.close();
      }
    }
  }

  private static MonitorJar awaitActive(List<MonitorJar> monitors) {
    MonitorJar[] found = new MonitorJar[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              List<MonitorJar> active = new ArrayList<>();
              for (MonitorJar m : monitors) {
                if ("active".equals(role(m))) {
                  active.add(m);
                }
              }
              found[0] = active.size() == 1 ? active.get(0) : null;
              return found[0] != null;
            });
    return found[0];
  }

  private static String role(MonitorJar monitor) throws InterruptedException {
    String body = monitor.body("/status");
    return body == null ? null : new JsonObject(body).getString("role");
  }

  private static void crash(Registration agents, String id) throws Exception {
    agents
        .recordCrashAndDropLive(
            id,
            AgentNode.of("host-h", "ha", Map.of())
                .withCrash(new ExitRecord(137, "KILL", Instant.now(), "")))
        .toCompletableFuture()
        .get();
  }

  private static long firing(WebhookReceiver receiver, String agent) {
    return receiver.alertsFor(agent).stream().filter(a -> a.status().equals("firing")).count();
  }

  /** Whether the ledger has recorded the receiver's acknowledgement of the agent's alert. */
  private static boolean acknowledged(CuratorFramework client, String agent) throws Exception {
    for (String child : client.getChildren().forPath(LAYOUT.alerts())) {
      if (child.endsWith("." + agent)) {
        JsonObject entry =
            new JsonObject(
                new String(client.getData().forPath(LAYOUT.alert(child)), StandardCharsets.UTF_8));
        return "firing".equals(entry.getJsonObject("sent").getString("ops"));
      }
    }
    return false;
  }
}
