package io.flumesentinel.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An agent that crashes and comes back again and again, against a real ZooKeeper and a real webhook
 * receiver: the receiver gets its first downs, then one flapping notice instead of the rest, and
 * the agent's down alert once it stays down.
 */
class FlappingWebhookTest {

  /** Flapping after 2 downs within a minute; it ends after 3 s without a change. */
  private static final FlappingConfig FLAPPING =
      new FlappingConfig(true, 2, Duration.ofMinutes(1), Duration.ofSeconds(3));

  @Test
  void aCrashLoopIsOneFlappingNoticeAndAnAgentThatThenStaysDownIsReported() throws Exception {
    try (WebhookMonitor m = new WebhookMonitor(FLAPPING, HostDownConfig.defaults())) {
      m.agents
          .register("a1", AgentNode.of("flume-07", "ingest", Map.of()))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      for (int crash = 1; crash <= 6; crash++) {
        m.agents
            .goLive("a1", new LiveNode(100 + crash, Instant.now(), "", crash - 1))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        m.awaitEvents("STARTED", "a1", crash);
        m.agents
            .recordCrash("a1", new ExitRecord(null, "KILL", Instant.now(), "oops"))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        m.agents.dropLive("a1").toCompletableFuture().get(10, TimeUnit.SECONDS);
        m.awaitEvents("CRASHED", "a1", crash);
      }
      // Six crashes, the last one for good: two downs, then one flapping notice; after 3 s of
      // quiet the flapping ends and the agent, still down, has its own alert again.
      await().atMost(WebhookMonitor.WAIT).until(() -> m.received("a1").size() >= 7);
      assertThat(m.received("a1"))
          .containsExactly(
              "firing FlumeAgentDown",
              "resolved FlumeAgentDown RECOVERED",
              "firing FlumeAgentDown",
              "resolved FlumeAgentDown RECOVERED",
              "firing FlumeAgentFlapping",
              "resolved FlumeAgentFlapping DOWN",
              "firing FlumeAgentDown");

      List<WebhookReceiver.Received> alerts = m.receiver.alertsFor("a1");
      WebhookReceiver.Received flapping = alerts.get(4);
      assertThat(flapping.annotation("flapCount")).isEqualTo("3");
      assertThat(flapping.annotation("summary"))
          .isEqualTo("Flume agent a1 on flume-07 is flapping: down 3 times within 1m");
      assertThat(flapping.alert().getJsonObject("labels").getString("host")).isEqualTo("flume-07");
      assertThat(alerts.get(5).annotation("flapCount")).isEqualTo("6");
      WebhookReceiver.Received down = alerts.get(6);
      assertThat(down.annotation("reason")).isEqualTo("CRASHED");
      assertThat(down.annotation("crashCount")).isEqualTo("6");

      // Back for good: the down alert resolves, and nothing else is said.
      m.agents
          .goLive("a1", new LiveNode(200, Instant.now(), "", 6))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      await().atMost(WebhookMonitor.WAIT).until(() -> m.received("a1").size() >= 8);
      assertThat(m.received("a1").get(7)).isEqualTo("resolved FlumeAgentDown RECOVERED");
      assertThat(m.receiver.malformed()).isEmpty();
    }
  }
}
