package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.FlumeRuntime;
import io.flumesentinel.testing.MonitoredZooKeeper;
import io.flumesentinel.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor's restarts on purpose against a real Apache Flume 1.11.0, under the fat jar's
 * supervisor, watched by the fat jar's monitor: an RSS limit below what Flume uses is a restart
 * recorded as such in the agent node and the alert, until the start limit ends it; with the
 * stuck-restart policy on, a stuck agent is restarted once per its limit, and the stuck alert that
 * follows says it was not restarted again. About 80 s (four Flume starts and a monitor): in the
 * {@code extended} profile.
 */
@Tag("extended")
class FlumePoliciesIT {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();

  @TempDir Path dir;

  @Test
  void anRssLimitRestartsFlumeUntilTheStartLimit() throws Exception {
    try (FlumeRuntime flume = FlumeRuntime.prepare(dir, "/flume/agent.conf");
        MonitoredZooKeeper setting = MonitoredZooKeeper.start(dir)) {
      CuratorFramework client = setting.client();
      WebhookReceiver receiver = setting.receiver();
      ChildJvm supervisor =
          flume.supervise(
              setting.connect(),
              "--resource-interval-ms",
              "200",
              "--rss-limit-mb",
              "20",
              "--rss-limit-checks",
              "3",
              "--restart-delay-ms",
              "200",
              "--start-limit",
              "2",
              "--start-window-ms",
              "600000",
              "--stop-timeout-ms",
              "10000");
      long first = flume.awaitLive(client, -1).pid();
      flume.awaitLive(client, first);

      // the second run is ended too: two starts within the window is the limit
      assertThat(supervisor.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      AgentNode node = AgentNode.parse(client.getData().forPath(LAYOUT.agent("a1")));
      assertThat(node.crashCount()).isEqualTo(2);
      assertThat(node.lastExit().restartReason())
          .matches("RSS \\d+ MB over 20 MB for 3 checks \\(not started again: started 2 times.*");
      assertThat(client.checkExists().forPath(LAYOUT.live("a1"))).isNull();

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> firing(receiver, "FlumeAgentDown").size() >= 1);
      WebhookReceiver.Received crashed = firing(receiver, "FlumeAgentDown").get(0);
      assertThat(crashed.annotation("reason")).isEqualTo("CRASHED");
      assertThat(crashed.annotation("restartReason"))
          .matches("restarted by the supervisor: RSS \\d+ MB over 20 MB for 3 checks.*");
      assertThat(crashed.annotation("summary")).contains("was restarted by its supervisor: RSS");
      assertThat(supervisor.output())
          .anyMatch(line -> line.contains("FAILED: started 2 times within 600000 ms"));
    }
  }

  @Test
  void aStuckAgentIsRestartedOncePerItsLimit() throws Exception {
    try (FlumeRuntime flume = FlumeRuntime.prepare(dir, "/flume/agent-stuck.conf");
        MonitoredZooKeeper setting = MonitoredZooKeeper.start(dir)) {
      CuratorFramework client = setting.client();
      WebhookReceiver receiver = setting.receiver();
      ChildJvm supervisor =
          flume.supervise(
              setting.connect(),
              "--flume-metrics",
              flume.metricsUrl(),
              "--health-interval-ms",
              "200",
              "--stuck-for-ms",
              "1000",
              "--restart-on-health",
              "stuck",
              "--health-restart-limit",
              "1",
              "--health-restart-window-ms",
              "600000",
              "--restart-delay-ms",
              "200",
              "--stop-timeout-ms",
              "10000");
      long first = flume.awaitLive(client, -1).pid();
      long second = flume.awaitLive(client, first).pid();

      // restarted once: the second run's stuck verdict is written, saying why it stays
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !firing(receiver, "FlumeAgentStuck").isEmpty());
      WebhookReceiver.Received stuck = firing(receiver, "FlumeAgentStuck").get(0);
      assertThat(stuck.annotation("reason")).isEqualTo("STUCK");
      assertThat(stuck.annotation("supervisorRestart"))
          .isEqualTo("not restarted: 1 restart(s) for STUCK within 600000 ms already (limit 1)");
      AgentNode node = AgentNode.parse(client.getData().forPath(LAYOUT.agent("a1")));
      assertThat(node.crashCount()).isEqualTo(1);
      assertThat(node.lastExit().restartReason()).startsWith("STUCK: channel c1 is ");
      assertThat(node.lastExit().signal()).isEqualTo("TERM");
      assertThat(livePid(client)).isEqualTo(second);

      WebhookReceiver.Received crashed = firing(receiver, "FlumeAgentDown").get(0);
      assertThat(crashed.annotation("reason")).isEqualTo("CRASHED");
      assertThat(crashed.annotation("restartReason"))
          .startsWith("restarted by the supervisor: STUCK: channel c1 is ");

      assertThat(supervisor.stop(Duration.ofSeconds(20))).isIn(0, 143);
      assertThat(firing(receiver, "FlumeAgentDown")).hasSize(1);
    }
  }

  private static List<WebhookReceiver.Received> firing(WebhookReceiver receiver, String name) {
    return receiver.alertsFor("a1").stream()
        .filter(a -> a.status().equals("firing"))
        .filter(a -> a.alert().getJsonObject("labels").getString("alertname").equals(name))
        .toList();
  }

  private static long livePid(CuratorFramework client) throws Exception {
    return LiveNode.parse(client.getData().forPath(LAYOUT.live("a1"))).pid();
  }
}
