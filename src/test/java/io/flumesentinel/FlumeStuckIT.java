package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Agents;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.FlumeRuntime;
import io.flumesentinel.testing.MonitoredZooKeeper;
import io.flumesentinel.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Apache Flume 1.11.0 agent that runs but delivers nothing (no sink: its channel fills up),
 * under the fat jar's supervisor reading Flume's HTTP metrics, watched by the fat jar's monitor:
 * the webhook gets a firing FlumeAgentStuck (reason STUCK); stopping the supervisor resolves it,
 * and no down alert comes.
 */
class FlumeStuckIT {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();

  @TempDir Path dir;

  @Test
  void aFullChannelAlertsStuckAndAStopIsSilent() throws Exception {
    try (FlumeRuntime flume = FlumeRuntime.prepare(dir, "/flume/agent-stuck.conf");
        MonitoredZooKeeper setting = MonitoredZooKeeper.launch(dir)) {
      ChildJvm supervisor =
          flume.supervise(
              setting.connect(),
              "--label",
              "dc=east",
              "--flume-metrics",
              flume.metricsUrl(),
              "--health-interval-ms",
              "200",
              "--stuck-for-ms",
              "1000",
              "--stuck-fill-percent",
              "90",
              "--stop-timeout-ms",
              "10000");
      setting.monitor().awaitReady();
      CuratorFramework client = setting.client();
      WebhookReceiver receiver = setting.receiver();
      long flumePid = flume.awaitLive(client, -1).pid();
      long liveAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  receiver.alertsFor("a1").stream()
                      .anyMatch(a -> alertname(a).equals("FlumeAgentStuck")));
      System.out.println(
          "Flume live node to FlumeAgentStuck webhook: "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - liveAt)
              + " ms (stuck time 1000 ms)");

      // the seq source's ChannelWriteFail rises once the channel is full: FlumeAgentErrors for r1
      // comes along (the flow checks); this test is about FlumeAgentStuck
      WebhookReceiver.Received stuck = stuckAlerts(receiver).get(0);
      assertThat(alertname(stuck)).isEqualTo("FlumeAgentStuck");
      assertThat(stuck.status()).isEqualTo("firing");
      assertThat(stuck.annotation("reason")).isEqualTo("STUCK");
      assertThat(stuck.annotation("channel")).isEqualTo("c1");
      assertThat(Double.parseDouble(stuck.annotation("fillPercent"))).isGreaterThanOrEqualTo(90);
      assertThat(stuck.alert().getJsonObject("labels").getString("severity")).isEqualTo("warning");
      assertThat(stuck.alert().getJsonObject("labels").getString("dc")).isEqualTo("east");
      AgentNode node = AgentNode.parse(client.getData().forPath(LAYOUT.agent("a1")));
      assertThat(node.health().status()).isEqualTo(Health.Status.STUCK);
      assertThat(node.crashCount()).isZero();

      int exit = supervisor.stop(Duration.ofSeconds(20));
      assertThat(exit).isIn(0, 143);
      assertThat(client.checkExists().forPath(LAYOUT.agent("a1"))).isNull();
      long stoppedPid = flumePid;
      assertThat(ProcessHandle.of(stoppedPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> stuckAlerts(receiver).size() >= 2);
      WebhookReceiver.Received resolved = stuckAlerts(receiver).get(1);
      assertThat(alertname(resolved)).isEqualTo("FlumeAgentStuck");
      assertThat(resolved.status()).isEqualTo("resolved");
      assertThat(resolved.annotation("resolution")).isEqualTo("STOPPED");
      // a bare crash afterwards: once its alert is in, a down alert for a1 would have arrived too
      Agents.crashMarker(client, "stuck-marker");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !receiver.alertsFor("stuck-marker").isEmpty());
      assertThat(receiver.alertsFor("a1"))
          .extracting(FlumeStuckIT::alertname)
          .containsAnyOf("FlumeAgentStuck")
          .doesNotContain("FlumeAgentDown");
      assertThat(receiver.alertsFor("a1"))
          .filteredOn(a -> alertname(a).equals("FlumeAgentErrors"))
          .allSatisfy(
              errors ->
                  assertThat(errors.alert().getJsonObject("labels").getString("component"))
                      .isEqualTo("r1"));
    }
  }

  private static java.util.List<WebhookReceiver.Received> stuckAlerts(WebhookReceiver receiver) {
    return receiver.alertsFor("a1").stream()
        .filter(a -> alertname(a).equals("FlumeAgentStuck"))
        .toList();
  }

  private static String alertname(WebhookReceiver.Received alert) {
    return alert.alert().getJsonObject("labels").getString("alertname");
  }
}
