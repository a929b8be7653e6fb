package io.flumesentinel.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.GroupDegradedConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ten agents of group "ingest", six of them killed, against a real ZooKeeper and a real webhook
 * receiver: one group alert lists the six and none of their own notices is sent; restored, the
 * group alert resolves, still without a notice of each.
 */
class GroupDegradedWebhookTest {

  private static final GroupDegradedConfig GROUP_DEGRADED =
      new GroupDegradedConfig(true, 0.5, 3, Duration.ofSeconds(5));

  private static final String GROUP_AGENT = "*:ingest";

  private static final Duration LONG_WAIT = Duration.ofSeconds(40);

  @Test
  void sixOfTenKilledIsOneGroupAlertListingThemAndNoNoticeOfEach() throws Exception {
    try (WebhookMonitor m =
        new WebhookMonitor(FlappingConfig.defaults(), HostDownConfig.defaults(), GROUP_DEGRADED)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String id = "a" + i;
        ids.add(id);
        m.agents
            .register(id, AgentNode.of("flume-0" + i, "ingest", Map.of()))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        m.agents
            .goLive(id, new LiveNode(1, Instant.now(), "", 0))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        m.awaitEvents("STARTED", id, 1);
      }
      List<String> killed = ids.subList(0, 6);

      all(killed.stream().map(id -> crash(m, id)).toList());
      for (String id : killed) {
        m.awaitEvents("CRASHED", id, 1);
      }

      await().atMost(WebhookMonitor.WAIT).until(() -> m.received(GROUP_AGENT).size() == 1);
      WebhookReceiver.Received group = m.receiver.alertsFor(GROUP_AGENT).get(0);
      assertThat(group.status()).isEqualTo("firing");
      assertThat(group.alert().getJsonObject("labels").getMap())
          .containsEntry("alertname", "FlumeGroupDegraded")
          .containsEntry("group", "ingest")
          .containsEntry("severity", "critical");
      assertThat(group.annotation("healthy")).isEqualTo("4");
      assertThat(group.annotation("total")).isEqualTo("10");
      assertThat(group.annotation("agents")).isEqualTo("a0, a1, a2, a3, a4, a5");
      assertThat(group.annotation("inhibited")).isEqualTo("a0, a1, a2, a3, a4, a5");

      // Restored: the first one back makes half of the group healthy, which resolves the group
      // alert; the others are back within the hold, so none of the six is reported on its own.
      all(killed.stream().map(id -> restart(m, id)).toList());
      await().atMost(WebhookMonitor.WAIT).until(() -> m.received(GROUP_AGENT).size() == 2);
      assertThat(m.received(GROUP_AGENT))
          .containsExactly("firing FlumeGroupDegraded", "resolved FlumeGroupDegraded RECOVERED");

      // A later crash is reported on its own, one hold after it; by then every hold the group
      // alert's resolution started has ended, so a notice of the six would have been sent.
      crash(m, "a7").get(10, TimeUnit.SECONDS);
      await().atMost(LONG_WAIT).until(() -> m.received("a7").size() == 1);
      assertThat(m.received("a7")).containsExactly("firing FlumeAgentDown");
      for (String id : killed) {
        assertThat(m.received(id)).as(id).isEmpty();
      }
      assertThat(m.received(GROUP_AGENT)).hasSize(2);
      assertThat(m.receiver.malformed()).isEmpty();
    }
  }

  private static void all(List<? extends CompletableFuture<?>> writes) throws Exception {
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
  }

  /** The supervisor's record of a kill, then the end of the live node. */
  private static CompletableFuture<?> crash(WebhookMonitor m, String id) {
    return m.agents
        .recordCrash(id, new ExitRecord(null, "KILL", Instant.now(), ""))
        .thenCompose(recorded -> m.agents.dropLive(id))
        .toCompletableFuture();
  }

  private static CompletableFuture<?> restart(WebhookMonitor m, String id) {
    return m.agents.goLive(id, new LiveNode(2, Instant.now(), "", 1)).toCompletableFuture();
  }
}
