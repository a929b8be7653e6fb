package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreTestBase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The flow-check alerts (FlumeSinkStalled, FlumeChannelFilling, …), from the {@code health.flow} of
 * real agent nodes on a real ZooKeeper server to the receiver: one alert per verdict, labelled with
 * its component, resolved when its verdict is gone.
 */
class FlowClassificationTest extends CoreTestBase {

  private static final Instant SINCE = Instant.parse("2026-03-01T10:00:00Z");

  private static final FlowVerdict STALLED =
      new FlowVerdict(
          FlowVerdict.Check.SINK_STALLED,
          "k1",
          "sink k1 drained nothing for 60 s while channel c1 holds 57 events",
          SINCE,
          Map.of("channel", "c1", "channelSize", "57", "stalledForSeconds", "60"),
          List.of(
              "2026-03-01T10:00:05,000 ERROR [SinkRunner] SinkRunner: Unable to deliver event.",
              "Caused by: java.net.ConnectException: Connection refused"));

  private static final FlowVerdict FILLING =
      new FlowVerdict(
          FlowVerdict.Check.CHANNEL_FILLING,
          "c1",
          "channel c1 is 40.0% full and filling at 6.0% a minute: full in 600 s",
          SINCE.plusSeconds(30),
          Map.of("predictedFullInSeconds", "600", "predictedFullAt", "2026-03-01T10:10:30Z"),
          List.of());

  private static final FlowVerdict ERRORS_K2 =
      new FlowVerdict(
          FlowVerdict.Check.AGENT_ERRORS,
          "k2",
          "sink k2: error counters rose: EventWriteFail +2 (2 in all)",
          SINCE,
          Map.of("EventWriteFail", "2"),
          List.of());

  private AgentNode registerRunning(String id) throws Exception {
    AgentNode node = AgentNode.of("host-a", "ingest", Map.of("dc", "east", "component", "x"));
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

  private static Health flow(FlowVerdict... verdicts) {
    return Health.ok(SINCE).withFlow(List.of(verdicts));
  }

  private List<Alert> received(String id, String alertname) {
    return monitor.receivedFor(id).stream().filter(a -> a.alertname().equals(alertname)).toList();
  }

  @Test
  void eachVerdictIsAnAlertOfItsOwnResolvedWhenItClears() throws Exception {
    startMonitor();
    AgentNode node = registerRunning("f1");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "f1"));

    write("f1", node.withHealth(flow(STALLED, FILLING, ERRORS_K2)));

    await().atMost(WAIT).until(() -> monitor.receivedFor("f1").size() == 3);
    Alert stalled = received("f1", "FlumeSinkStalled").get(0);
    assertThat(stalled.firing()).isTrue();
    assertThat(stalled.labels())
        .containsEntry("alertname", "FlumeSinkStalled")
        .containsEntry("agent", "f1")
        .containsEntry("group", "ingest")
        .containsEntry("host", "host-a")
        .containsEntry("component", "k1") // the agent's own label "component" gives way
        .containsEntry("dc", "east")
        .containsEntry("severity", "warning");
    assertThat(stalled.annotations())
        .containsEntry("reason", "SINK_STALLED")
        .containsEntry("channel", "c1")
        .containsEntry("channelSize", "57")
        .containsEntry("stalledForSeconds", "60")
        .containsEntry("since", SINCE.toString())
        .containsEntry(
            "errorLines",
            "2026-03-01T10:00:05,000 ERROR [SinkRunner] SinkRunner: Unable to deliver event.\n"
                + "Caused by: java.net.ConnectException: Connection refused");
    assertThat(stalled.annotation("summary"))
        .isEqualTo(
            "Flume agent f1 on host-a: sink k1 drained nothing for 60 s while channel c1 holds 57"
                + " events");
    assertThat(stalled.startsAt()).isEqualTo(SINCE);
    Alert filling = received("f1", "FlumeChannelFilling").get(0);
    assertThat(filling.labels()).containsEntry("component", "c1");
    assertThat(filling.annotations())
        .containsEntry("predictedFullInSeconds", "600")
        .containsEntry("predictedFullAt", "2026-03-01T10:10:30Z")
        .doesNotContainKey("errorLines");
    assertThat(received("f1", "FlumeAgentErrors").get(0).labels()).containsEntry("component", "k2");
    assertThat(List.of(stalled, filling))
        .extracting(Alert::key)
        .containsExactly("FlumeSinkStalled.f1@k1", "FlumeChannelFilling.f1@c1");

    // the endpoint is back: the sink drains, the channel empties
    write("f1", node.withHealth(flow(ERRORS_K2)));

    await().atMost(WAIT).until(() -> monitor.receivedFor("f1").size() == 5);
    for (String alertname : List.of("FlumeSinkStalled", "FlumeChannelFilling")) {
      Alert resolved = received("f1", alertname).get(1);
      assertThat(resolved.status()).isEqualTo(Alert.Status.RESOLVED);
      assertThat(resolved.annotations()).containsEntry("resolution", "RECOVERED");
      assertThat(resolved.fingerprint()).isEqualTo(received("f1", alertname).get(0).fingerprint());
    }
    assertThat(received("f1", "FlumeAgentErrors")).hasSize(1);
    await()
        .atMost(WAIT)
        .until(() -> agentSide.checkExists().forPath(layout.alert(stalled.key())) == null);
    assertThat(agentSide.checkExists().forPath(layout.alert("FlumeAgentErrors.f1@k2"))).isNotNull();

    agents.deregister("f1").toCompletableFuture().get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> received("f1", "FlumeAgentErrors").size() == 2);
    assertThat(received("f1", "FlumeAgentErrors").get(1).annotations())
        .containsEntry("resolution", "STOPPED");
    assertThat(received("f1", "FlumeAgentDown")).isEmpty();
  }

  @Test
  void aCrashHandsTheVerdictsOverToTheDownAlert() throws Exception {
    startMonitor();
    AgentNode node = registerRunning("f2");
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "f2"));
    write("f2", node.withHealth(flow(STALLED)));
    await().atMost(WAIT).until(() -> received("f2", "FlumeSinkStalled").size() == 1);

    agents
        .recordCrashAndDropLive(
            "f2", node.withCrash(new ExitRecord(null, "KILL", Instant.now(), "")).withHealth(null))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> monitor.receivedFor("f2").size() == 3);
    assertThat(received("f2", "FlumeSinkStalled").get(1).annotations())
        .containsEntry("resolution", "DOWN");
    assertThat(received("f2", "FlumeAgentDown").get(0).annotations())
        .containsEntry("reason", "CRASHED");
  }

  @Test
  void verdictsStandingAtStartUpFire() throws Exception {
    AgentNode node = registerRunning("f3");
    write("f3", node.withHealth(flow(STALLED)));

    startMonitor();

    await().atMost(WAIT).until(() -> received("f3", "FlumeSinkStalled").size() == 1);
    assertThat(received("f3", "FlumeSinkStalled").get(0).startsAt()).isEqualTo(SINCE);

    write("f3", node.withHealth(flow()));
    await().atMost(WAIT).until(() -> received("f3", "FlumeSinkStalled").size() == 2);
    assertThat(received("f3", "FlumeSinkStalled").get(1).status()).isEqualTo(Alert.Status.RESOLVED);
  }
}
