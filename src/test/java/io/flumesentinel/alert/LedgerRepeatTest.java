package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreHarness;
import io.flumesentinel.testing.CoreTestBase;
import io.flumesentinel.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Still-firing alerts are sent again every {@code repeatInterval} after each receiver's last
 * acknowledgement, against a real ZooKeeper, with the ledger's clock moved by the test: receiver
 * "a" repeats every hour (a child route), "b" every 4 hours (the root).
 */
class LedgerRepeatTest extends CoreTestBase {

  /** How long "nothing more arrives" is watched: many of the ledger's looks for due repeats. */
  private static final Duration QUIET = Duration.ofMillis(400);

  private static final Duration RECHECK = Duration.ofMillis(25);
  private static final List<String> RECEIVERS = List.of("a", "b");

  /** Ingest alerts to "a" every hour, and through continue to "b" every 4 hours. */
  private static final RouteConfig ROUTE =
      RouteConfig.root(
          List.of("b"),
          GroupingConfig.DEFAULT,
          List.of(
              new RouteConfig(
                  Map.of("group", "ingest"),
                  Map.of(),
                  List.of("a"),
                  true,
                  List.of(),
                  new GroupingConfig(List.of("host"), Duration.ZERO, Duration.ofHours(1))),
              new RouteConfig(Map.of(), Map.of(), List.of("b"), false, List.of())));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private CoreHarness monitor() throws Exception {
    CoreHarness monitor =
        new CoreHarness(
            server.getConnectString(),
            layout,
            ClassifierConfig.defaults(),
            RECEIVERS,
            ROUTE,
            clock,
            RECHECK);
    await().atMost(WAIT).until(monitor.readiness::ready);
    return monitor;
  }

  @Test
  void eachReceiverIsRemindedOnItsRoutesIntervalWithTheSameIncident() throws Exception {
    try (CoreHarness monitor = monitor()) {
      crash("i1");
      await().atMost(WAIT).until(() -> monitor.receivedBy("a", "i1").size() == 1);
      await().atMost(WAIT).until(() -> monitor.receivedBy("b", "i1").size() == 1);
      Alert first = monitor.receivedBy("a", "i1").get(0);
      awaitRecorded("FlumeAgentDown.i1", "a");

      clock.advance(Duration.ofMinutes(59));
      assertNothingMoreFor(monitor, "a", "i1", 1);

      clock.advance(Duration.ofMinutes(1));
      await().atMost(WAIT).until(() -> monitor.receivedBy("a", "i1").size() == 2);
      Alert repeat = monitor.receivedBy("a", "i1").get(1);
      assertThat(repeat).isEqualTo(first);
      assertThat(repeat.fingerprint()).isEqualTo(first.fingerprint());
      assertThat(monitor.noticesBy.get("a").get(1).group().key())
          .isEqualTo("{}/{group=\"ingest\"}:{host=\"h\"}");
      assertThat(monitor.receivedBy("b", "i1")).hasSize(1);
      // A reminder is not a transition: nothing new on the public address.
      assertThat(monitor.published).hasSize(1);

      // The next hour starts from the reminder's acknowledgement.
      clock.advance(Duration.ofMinutes(59));
      assertNothingMoreFor(monitor, "a", "i1", 2);
      clock.advance(Duration.ofMinutes(2));
      await().atMost(WAIT).until(() -> monitor.receivedBy("a", "i1").size() == 3);

      clock.advance(Duration.ofHours(2));
      await().atMost(WAIT).until(() -> monitor.receivedBy("b", "i1").size() == 2);
      assertThat(monitor.receivedBy("b", "i1").get(1)).isEqualTo(first);
    }
  }

  @Test
  void aResolvedAlertIsNotRepeatedAndItsNoticeGoesOnlyToReceiversToldOfIt() throws Exception {
    try (CoreHarness monitor = monitor()) {
      crash("w1", "web");
      await().atMost(WAIT).until(() -> monitor.receivedBy("b", "w1").size() == 1);
      agents.goLive("w1", new LiveNode(2, Instant.now(), "", 1)).toCompletableFuture().get();
      await().atMost(WAIT).until(() -> monitor.receivedBy("b", "w1").size() == 2);

      clock.advance(Duration.ofHours(5));

      assertNothingMoreFor(monitor, "b", "w1", 2);
      assertThat(monitor.receivedBy("b", "w1"))
          .extracting(Alert::status)
          .containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
      assertThat(monitor.receivedBy("a", "w1")).isEmpty();
    }
  }

  @Test
  void theIntervalSurvivesARestartAndAnEntryWithoutTimesStartsItAtLoad() throws Exception {
    Alert first;
    try (CoreHarness monitor = monitor()) {
      crash("i1");
      await().atMost(WAIT).until(() -> monitor.receivedBy("a", "i1").size() == 1);
      first = monitor.receivedBy("a", "i1").get(0);
      awaitRecorded("FlumeAgentDown.i1", "a");
      awaitRecorded("FlumeAgentDown.i1", "b");
    }
    // An entry as written before repeats were recorded: no notifiedAt.
    String path = layout.alert("FlumeAgentDown.i1");
    JsonObject entry = new JsonObject(ledgerRecord("FlumeAgentDown.i1"));
    assertThat(entry.getJsonObject("notifiedAt").fieldNames()).containsExactlyInAnyOrder("a", "b");
    entry.getJsonObject("notifiedAt").remove("b");
    agentSide.setData().forPath(path, entry.encode().getBytes(StandardCharsets.UTF_8));

    clock.advance(Duration.ofMinutes(61));
    try (CoreHarness monitor = monitor()) {
      // "a" was told 61 minutes ago: reminded at start-up, once.
      await().atMost(WAIT).until(() -> monitor.receivedBy("a", "i1").size() == 1);
      assertThat(monitor.receivedBy("a", "i1").get(0)).isEqualTo(first);
      // "b"'s time was lost: its 4 hours start now, not at the incident's start.
      clock.advance(Duration.ofMinutes(239));
      assertNothingMoreFor(monitor, "b", "i1", 0);
      clock.advance(Duration.ofMinutes(1));
      await().atMost(WAIT).until(() -> monitor.receivedBy("b", "i1").size() == 1);
      assertThat(monitor.receivedBy("b", "i1").get(0)).isEqualTo(first);
    }
  }

  private void crash(String id) throws Exception {
    crash(id, "ingest");
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

  private static void assertNothingMoreFor(
      CoreHarness monitor, String receiver, String agent, int count) {
    await()
        .during(QUIET)
        .atMost(QUIET.plus(WAIT))
        .until(() -> monitor.receivedBy(receiver, agent).size() == count);
  }

  private void awaitRecorded(String key, String receiver) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                ledgerRecord(key).contains("\"notifiedAt\":{")
                    && ledgerRecord(key).contains("\"" + receiver + "\":\"20"));
  }
}
