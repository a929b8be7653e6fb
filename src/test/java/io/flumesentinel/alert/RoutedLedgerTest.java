package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreHarness;
import io.flumesentinel.testing.CoreTestBase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ledger sends each firing alert only where its route says, against a real ZooKeeper, with two
 * receivers "a" and "b", and a restart mid-incident neither repeats nor misses a notice per
 * receiver.
 */
class RoutedLedgerTest extends CoreTestBase {

  private static final List<String> RECEIVERS = List.of("a", "b");

  /** Group ingest to "a", everything else to "b". */
  private static final RouteConfig INGEST_TO_A =
      RouteConfig.root(
          List.of("b"),
          List.of(
              new RouteConfig(
                  Map.of("group", "ingest"), Map.of(), List.of("a"), false, List.of())));

  /** Group ingest to "a" and, through continue, to "b" as every agent is. */
  private static final RouteConfig INGEST_TO_BOTH =
      RouteConfig.root(
          List.of("a"),
          List.of(
              new RouteConfig(Map.of("group", "ingest"), Map.of(), List.of("a"), true, List.of()),
              new RouteConfig(Map.of(), Map.of("agent", ".+"), List.of("b"), false, List.of())));

  private CoreHarness monitor(RouteConfig route) throws Exception {
    CoreHarness monitor =
        new CoreHarness(
            server.getConnectString(), layout, ClassifierConfig.defaults(), RECEIVERS, route);
    await().atMost(WAIT).until(monitor.readiness::ready);
    return monitor;
  }

  private void crash(String id, String group) throws Exception {
    agents.register(id, AgentNode.of("h", group, Map.of())).toCompletableFuture().get();
    agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    agents
        .recordCrash(id, new ExitRecord(null, "KILL", Instant.now(), ""))
        .toCompletableFuture()
        .get();
    agents.dropLive(id).toCompletableFuture().get();
  }

  private void recover(String id) throws Exception {
    agents.goLive(id, new LiveNode(2, Instant.now(), "", 1)).toCompletableFuture().get();
  }

  @Test
  void ingestAlertsReachOnlyAAndOthersOnlyB() throws Exception {
    try (CoreHarness monitor = monitor(INGEST_TO_A)) {
      crash("i1", "ingest");
      crash("o1", "web");
      await().atMost(WAIT).until(() -> monitor.receivedBy("a", "i1").size() == 1);
      await().atMost(WAIT).until(() -> monitor.receivedBy("b", "o1").size() == 1);

      recover("i1");
      recover("o1");
      await().atMost(WAIT).until(() -> monitor.receivedBy("a", "i1").size() == 2);
      await().atMost(WAIT).until(() -> monitor.receivedBy("b", "o1").size() == 2);
      assertThat(monitor.receivedBy("a", "i1"))
          .extracting(Alert::status)
          .containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
      assertThat(monitor.receivedBy("a", "o1")).isEmpty();
      assertThat(monitor.receivedBy("b", "i1")).isEmpty();
    }
  }

  @Test
  void continueReachesBoth() throws Exception {
    try (CoreHarness monitor = monitor(INGEST_TO_BOTH)) {
      crash("i1", "ingest");
      await().atMost(WAIT).until(() -> monitor.receivedBy("a", "i1").size() == 1);
      await().atMost(WAIT).until(() -> monitor.receivedBy("b", "i1").size() == 1);

      recover("i1");
      await().atMost(WAIT).until(() -> monitor.receivedBy("a", "i1").size() == 2);
      await().atMost(WAIT).until(() -> monitor.receivedBy("b", "i1").size() == 2);
    }
  }

  @Test
  void restartMidIncidentNeitherRepeatsNorMissesPerReceiver() throws Exception {
    Alert ingest;
    Alert other;
    try (CoreHarness first = monitor(INGEST_TO_A)) {
      crash("i1", "ingest");
      crash("o1", "web");
      await().atMost(WAIT).until(() -> first.receivedBy("a", "i1").size() == 1);
      await().atMost(WAIT).until(() -> first.receivedBy("b", "o1").size() == 1);
      ingest = first.receivedBy("a", "i1").get(0);
      other = first.receivedBy("b", "o1").get(0);
      await()
          .atMost(WAIT)
          .until(() -> ledgerRecord("FlumeAgentDown.i1").contains("\"a\":\"firing\""));
      await()
          .atMost(WAIT)
          .until(() -> ledgerRecord("FlumeAgentDown.o1").contains("\"b\":\"firing\""));
    }

    try (CoreHarness second = monitor(INGEST_TO_A)) {
      // a crash after the reconciliation proves the new monitor is live and delivering
      crash("i2", "ingest");
      await().atMost(WAIT).until(() -> second.receivedBy("a", "i2").size() == 1);
      assertThat(second.received).extracting(Alert::agent).containsExactly("i2");

      recover("i1");
      recover("o1");
      await().atMost(WAIT).until(() -> second.receivedBy("a", "i1").size() == 1);
      await().atMost(WAIT).until(() -> second.receivedBy("b", "o1").size() == 1);
      assertResolved(second.receivedBy("a", "i1").get(0), ingest);
      assertResolved(second.receivedBy("b", "o1").get(0), other);
      assertThat(second.receivedBy("b", "i1")).isEmpty();
      assertThat(second.receivedBy("a", "o1")).isEmpty();
      assertThat(second.receivedBy("b", "i2")).isEmpty();
    }
  }

  @Test
  void aReceiverAddedByNewRoutesGetsTheOngoingIncidentOnceAfterRestart() throws Exception {
    Alert ingest;
    try (CoreHarness first = monitor(INGEST_TO_A)) {
      crash("i1", "ingest");
      await().atMost(WAIT).until(() -> first.receivedBy("a", "i1").size() == 1);
      ingest = first.receivedBy("a", "i1").get(0);
      await()
          .atMost(WAIT)
          .until(() -> ledgerRecord("FlumeAgentDown.i1").contains("\"a\":\"firing\""));
    }

    try (CoreHarness second = monitor(INGEST_TO_BOTH)) {
      // "b" was never told; "a" was and is not told again
      await().atMost(WAIT).until(() -> second.receivedBy("b", "i1").size() == 1);
      assertThat(second.receivedBy("b", "i1").get(0).startsAt()).isEqualTo(ingest.startsAt());
      assertThat(second.receivedBy("b", "i1").get(0).firing()).isTrue();
      await()
          .atMost(WAIT)
          .until(() -> ledgerRecord("FlumeAgentDown.i1").contains("\"b\":\"firing\""));
      assertThat(second.receivedBy("a", "i1")).isEmpty();

      recover("i1");
      await().atMost(WAIT).until(() -> second.receivedBy("a", "i1").size() == 1);
      await().atMost(WAIT).until(() -> second.receivedBy("b", "i1").size() == 2);
      assertResolved(second.receivedBy("a", "i1").get(0), ingest);
      assertResolved(second.receivedBy("b", "i1").get(1), ingest);
    }
  }

  private static void assertResolved(Alert resolved, Alert firing) {
    assertThat(resolved.status()).isEqualTo(Alert.Status.RESOLVED);
    assertThat(resolved.startsAt()).isEqualTo(firing.startsAt());
  }
}
