package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreTestBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The FlumeAgentStuck alert, from the health in real agent nodes on a real ZooKeeper server to the
 * receiver.
 */
class HealthClassificationTest extends CoreTestBase {

  private static final Instant SINCE = Instant.parse("2026-03-01T10:00:00Z");
  private static final Health STUCK =
      new Health(
          Health.Status.STUCK,
          "channel c1 is 100% full for 1000 ms",
          SINCE,
          Map.of("channel", "c1", "fillPercent", "100"));

  private AgentNode registerRunning(String id) throws Exception {
    AgentNode node = AgentNode.of("host-a", "ingest", Map.of("dc", "east"));
    agents.register(id, node).toCompletableFuture().get(5, TimeUnit.SECONDS);
    agents
        .goLive(id, new LiveNode(4242, Instant.now(), "1.11.0", 0))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    return node;
  }

  private void write(String id, AgentNode node) throws Exception {
    agents.update(id, node).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private List<Alert> stuckAlerts(String id) {
    return monitor.receivedFor(id).stream()
        .filter(a -> a.alertname().equals(AgentAlerts.AGENT_STUCK))
        .toList();
  }

  @Test
  void stuckFiresAndOkResolves() throws Exception {
    startMonitor();
    AgentNode node = registerRunning("h1");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "h1"));

    write("h1", node.withHealth(STUCK));

    await().atMost(WAIT).until(() -> stuckAlerts("h1").size() == 1);
    Alert firing = stuckAlerts("h1").get(0);
    assertThat(firing.status()).isEqualTo(Alert.Status.FIRING);
    assertThat(firing.labels())
        .containsEntry("alertname", "FlumeAgentStuck")
        .containsEntry("agent", "h1")
        .containsEntry("host", "host-a")
        .containsEntry("group", "ingest")
        .containsEntry("dc", "east")
        .containsEntry("severity", "warning");
    assertThat(firing.annotations())
        .containsEntry("reason", "STUCK")
        .containsEntry("channel", "c1")
        .containsEntry("fillPercent", "100")
        .containsKeys("summary", "description");
    assertThat(firing.annotation("description")).contains("channel c1 is 100% full");
    assertThat(firing.startsAt()).isEqualTo(SINCE);

    write("h1", node.withHealth(Health.ok(Instant.now())));

    await().atMost(WAIT).until(() -> stuckAlerts("h1").size() == 2);
    Alert resolved = stuckAlerts("h1").get(1);
    assertThat(resolved.status()).isEqualTo(Alert.Status.RESOLVED);
    assertThat(resolved.annotations()).containsEntry("resolution", "RECOVERED");
    assertThat(resolved.fingerprint()).isEqualTo(firing.fingerprint());
    assertThat(monitor.receivedFor("h1")).hasSize(2); // no down alert
    await()
        .atMost(WAIT)
        .until(() -> agentSide.checkExists().forPath(layout.alert(firing.key())) == null);
  }

  @Test
  void hungUpdatesTheFiringAlertAndACrashHandsOverToTheDownAlert() throws Exception {
    startMonitor();
    AgentNode node = registerRunning("h2");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "h2"));
    write("h2", node.withHealth(STUCK));
    await().atMost(WAIT).until(() -> stuckAlerts("h2").size() == 1);

    Health hung =
        new Health(
            Health.Status.HUNG,
            "the metrics endpoint stopped answering",
            SINCE.plusSeconds(60),
            Map.of("error", "HttpTimeoutException"));
    write("h2", node.withHealth(hung));
    await().atMost(WAIT).until(() -> stuckAlerts("h2").size() == 2);
    Alert updated = stuckAlerts("h2").get(1);
    assertThat(updated.firing()).isTrue();
    assertThat(updated.annotations())
        .containsEntry("reason", "HUNG")
        .containsEntry("error", "HttpTimeoutException");
    assertThat(updated.startsAt()).isEqualTo(SINCE); // the same incident

    // what the supervisor does on a crash: the record (without health) and the live node's removal
    // in one multi
    agents
        .recordCrashAndDropLive(
            "h2",
            node.withHealth(hung)
                .withCrash(new ExitRecord(null, "KILL", Instant.now(), ""))
                .withHealth(null))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> monitor.receivedFor("h2").size() == 4);
    assertThat(stuckAlerts("h2").get(2).status()).isEqualTo(Alert.Status.RESOLVED);
    assertThat(stuckAlerts("h2").get(2).annotations()).containsEntry("resolution", "DOWN");
    Alert down =
        monitor.receivedFor("h2").stream()
            .filter(a -> a.alertname().equals("FlumeAgentDown"))
            .findFirst()
            .orElseThrow();
    assertThat(down.firing()).isTrue();
    assertThat(down.annotations()).containsEntry("reason", "CRASHED");
  }

  @Test
  void deregisteringAStuckAgentResolvesSilently() throws Exception {
    startMonitor();
    AgentNode node = registerRunning("h3");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "h3"));
    write("h3", node.withHealth(STUCK));
    await().atMost(WAIT).until(() -> stuckAlerts("h3").size() == 1);

    agents.deregister("h3").toCompletableFuture().get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> stuckAlerts("h3").size() == 2);
    assertThat(stuckAlerts("h3").get(1).annotations()).containsEntry("resolution", "STOPPED");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STOPPED", "h3"));
    assertThat(monitor.receivedFor("h3")).hasSize(2); // no down alert
  }

  @Test
  void stuckAgentFiresAtStartUpReconciliation() throws Exception {
    AgentNode stuck = registerRunning("stuck-before");
    write("stuck-before", stuck.withHealth(STUCK));
    AgentNode ok = registerRunning("ok-before");
    write("ok-before", ok.withHealth(Health.ok(Instant.now())));
    // stuck but not running: only the down alert
    agents
        .register("down-before", AgentNode.of("host-b", null, Map.of()).withHealth(STUCK))
        .toCompletableFuture()
        .get();

    startMonitor();

    await().atMost(WAIT).until(() -> monitor.received.size() == 2);
    assertThat(stuckAlerts("stuck-before")).hasSize(1);
    assertThat(stuckAlerts("stuck-before").get(0).annotations()).containsEntry("reason", "STUCK");
    assertThat(monitor.receivedFor("ok-before")).isEmpty();
    assertThat(monitor.receivedFor("down-before"))
        .extracting(Alert::alertname)
        .containsExactly("FlumeAgentDown");

    write("stuck-before", stuck.withHealth(Health.ok(Instant.now())));
    await().atMost(WAIT).until(() -> stuckAlerts("stuck-before").size() == 2);
    assertThat(stuckAlerts("stuck-before").get(1).status()).isEqualTo(Alert.Status.RESOLVED);
  }

  @Test
  void garbledHealthIsIgnoredAndTheMonitorGoesOn() throws Exception {
    startMonitor();
    registerRunning("garbled");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "garbled"));
    for (String health :
        List.of(
            "\"STUCK\"",
            "{\"status\":\"WEDGED\"}",
            "{\"status\":42}",
            "{\"reason\":\"x\"}",
            "{\"status\":\"STUCK\",\"since\":\"yesterday\"}",
            "[1,2]")) {
      String json = "{\"host\":\"h\",\"group\":\"g\",\"crashCount\":0,\"health\":" + health + "}";
      agentSide.setData().forPath(layout.agent("garbled"), json.getBytes(StandardCharsets.UTF_8));
    }

    // the rest of the node still counts, and the monitor classifies what comes next
    AgentNode next = registerRunning("after");
    write("after", next.withHealth(STUCK));
    await().atMost(WAIT).until(() -> stuckAlerts("after").size() == 1);
    agents.dropLive("garbled").toCompletableFuture().get();
    await().atMost(WAIT).until(() -> monitor.receivedFor("garbled").size() == 1);
    assertThat(monitor.receivedFor("garbled").get(0).alertname()).isEqualTo("FlumeAgentDown");
    assertThat(monitor.receivedFor("garbled").get(0).labels()).containsEntry("host", "h");
    assertThat(monitor.receivedFor("garbled").get(0).annotations())
        .doesNotContainKey("nodeDataError");
  }
}
