package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreHarness;
import io.flumesentinel.testing.CoreTestBase;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A monitor restarted in the middle of an incident neither repeats a notification nor misses one.
 */
class LedgerRestartTest extends CoreTestBase {

  private CoreHarness monitor() throws Exception {
    CoreHarness monitor =
        new CoreHarness(server.getConnectString(), layout, ClassifierConfig.defaults());
    await().atMost(WAIT).until(monitor.readiness::ready);
    return monitor;
  }

  private void crash(String id) throws Exception {
    agents.register(id, AgentNode.of("h", null, Map.of())).toCompletableFuture().get();
    agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    agents
        .recordCrash(id, new ExitRecord(null, "KILL", Instant.now(), ""))
        .toCompletableFuture()
        .get();
    agents.dropLive(id).toCompletableFuture().get();
  }

  @Test
  void firingAlertAlreadySentIsNotSentAgainAfterRestart() throws Exception {
    Alert sent;
    try (CoreHarness first = monitor()) {
      crash("a1");
      await().atMost(WAIT).until(() -> first.received.size() == 1);
      sent = first.received.get(0);
      await()
          .atMost(WAIT)
          .until(() -> ledgerRecord("FlumeAgentDown.a1").contains("\"test\":\"firing\""));
    }

    try (CoreHarness second = monitor()) {
      // the reconciliation is done (ready); a crash after it proves the new monitor is
      // live and delivering
      crash("a2");
      await().atMost(WAIT).until(() -> second.receivedFor("a2").size() == 1);
      assertThat(second.receivedFor("a1")).isEmpty();

      agents.goLive("a1", new LiveNode(2, Instant.now(), "", 1)).toCompletableFuture().get();
      await().atMost(WAIT).until(() -> second.receivedFor("a1").size() == 1);
      Alert resolved = second.receivedFor("a1").get(0);
      assertThat(resolved.status()).isEqualTo(Alert.Status.RESOLVED);
      assertThat(resolved.startsAt()).isEqualTo(sent.startsAt());
    }
  }

  @Test
  void agentThatRecoveredWhileMonitorWasDownGetsItsResolvedNotice() throws Exception {
    Alert sent;
    try (CoreHarness first = monitor()) {
      crash("b1");
      await().atMost(WAIT).until(() -> first.received.size() == 1);
      sent = first.received.get(0);
      await()
          .atMost(WAIT)
          .until(() -> ledgerRecord("FlumeAgentDown.b1").contains("\"test\":\"firing\""));
    }
    agents.goLive("b1", new LiveNode(2, Instant.now(), "", 1)).toCompletableFuture().get();

    try (CoreHarness second = monitor()) {
      await().atMost(WAIT).until(() -> second.received.size() == 1);
      Alert resolved = second.received.get(0);
      assertThat(resolved.status()).isEqualTo(Alert.Status.RESOLVED);
      assertThat(resolved.startsAt()).isEqualTo(sent.startsAt());
      assertThat(resolved.annotations()).containsEntry("resolution", "RECOVERED");
      await()
          .atMost(WAIT)
          .until(() -> agentSide.checkExists().forPath(layout.alert("FlumeAgentDown.b1")) == null);
    }
  }

  @Test
  void firingAlertNeverAcknowledgedIsSentAfterRestart() throws Exception {
    // an alert on record as firing but acknowledged by nobody: the monitor died before delivery
    Alert unsent =
        io.flumesentinel.testing.TestAlerts.firing("c1", Instant.parse("2026-01-01T00:00:00Z"));
    agents.register("c1", AgentNode.of("h", null, Map.of())).toCompletableFuture().get();
    agentSide
        .create()
        .creatingParentsIfNeeded()
        .forPath(layout.alert(unsent.key()), new LedgerEntry(unsent).toBytes());

    try (CoreHarness monitor = monitor()) {
      await().atMost(WAIT).until(() -> monitor.received.size() == 1);
      Alert alert = monitor.received.get(0);
      assertThat(alert.firing()).isTrue();
      assertThat(alert.startsAt()).isEqualTo(unsent.startsAt()); // the same incident, not a new one
    }
  }
}
