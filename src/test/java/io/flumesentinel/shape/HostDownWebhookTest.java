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
 * Five agents of one host go down together, against a real ZooKeeper and a real webhook receiver:
 * the first two are reported on their own, then one host alert holds back the rest; when the host
 * is no longer down as a whole, the agents still down are reported on their own.
 */
class HostDownWebhookTest {

  private static final HostDownConfig HOST_DOWN =
      new HostDownConfig(true, 3, Duration.ofSeconds(30));

  private static final String HOST_AGENT = "*@flume-09";

  @Test
  void aHostThatGoesDownIsOneHostAlertAndTheAgentsStillDownWhenItEndsAreReported()
      throws Exception {
    try (WebhookMonitor m = new WebhookMonitor(FlappingConfig.defaults(), HOST_DOWN)) {
      List<String> ids = List.of("a1", "a2", "a3", "a4", "a5");
      for (String id : ids) {
        m.agents
            .register(id, AgentNode.of("flume-09", "ingest", Map.of()))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        m.agents
            .goLive(id, new LiveNode(1, Instant.now(), "", 0))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        m.awaitEvents("STARTED", id, 1);
      }
      for (String id : ids) {
        crash(m, id);
      }
      await().atMost(WebhookMonitor.WAIT).until(() -> m.received(HOST_AGENT).size() == 1);
      assertThat(m.received("a1")).containsExactly("firing FlumeAgentDown");
      assertThat(m.received("a2")).containsExactly("firing FlumeAgentDown");
      WebhookReceiver.Received host = m.receiver.alertsFor(HOST_AGENT).get(0);
      assertThat(host.status()).isEqualTo("firing");
      assertThat(host.alert().getJsonObject("labels").getMap())
          .containsEntry("alertname", "FlumeHostDown")
          .containsEntry("host", "flume-09")
          .containsEntry("group", "ingest")
          .containsEntry("severity", "critical");
      assertThat(host.annotation("agents")).isEqualTo("a1, a2, a3");
      assertThat(host.annotation("inhibited")).isEqualTo("a3");

      // a1 and a2 come back (their own resolved notices), a3 too (held: nothing to say); two left
      // down is fewer than three: the host alert resolves and a4 and a5 are reported.
      for (String id : List.of("a1", "a2", "a3")) {
        m.agents
            .goLive(id, new LiveNode(2, Instant.now(), "", 1))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        m.awaitEvents("STARTED", id, 2);
      }
      await()
          .atMost(WebhookMonitor.WAIT)
          .until(() -> m.received("a4").size() == 1 && m.received("a5").size() == 1);
      assertThat(m.received(HOST_AGENT))
          .containsExactly("firing FlumeHostDown", "resolved FlumeHostDown RECOVERED");
      assertThat(m.receiver.alertsFor(HOST_AGENT).get(1).annotation("stillDown"))
          .isEqualTo("a4, a5");
      assertThat(m.received("a1"))
          .containsExactly("firing FlumeAgentDown", "resolved FlumeAgentDown RECOVERED");
      assertThat(m.received("a2"))
          .containsExactly("firing FlumeAgentDown", "resolved FlumeAgentDown RECOVERED");
      assertThat(m.received("a3")).isEmpty();
      assertThat(m.received("a4")).containsExactly("firing FlumeAgentDown");
      WebhookReceiver.Received a5 = m.receiver.alertsFor("a5").get(0);
      assertThat(a5.annotation("reason")).isEqualTo("CRASHED");
      assertThat(m.receiver.malformed()).isEmpty();
    }
  }

  private static void crash(WebhookMonitor m, String id) throws Exception {
    m.agents
        .recordCrash(id, new ExitRecord(null, "KILL", Instant.now(), ""))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    m.agents.dropLive(id).toCompletableFuture().get(10, TimeUnit.SECONDS);
    m.awaitEvents("CRASHED", id, 1);
  }
}
