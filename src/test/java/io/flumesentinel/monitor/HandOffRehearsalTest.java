package io.flumesentinel.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.classify.ClassifierRehearsal;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Notice;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.webhook.AlertmanagerPayload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rehearsal's hand-offs arrive, every one, on a Vert.x of its own. */
class HandOffRehearsalTest {

  private static final AlertGroup GROUP =
      AlertGroup.of("rehearsal", Map.of(), Duration.ZERO, Duration.ZERO);

  @Test
  void everyNoticeReachesTheNotifiersSideAndEachBodyIsAccepted() throws Exception {
    List<Alert> alerts =
        ClassifierRehearsal.loseAll(
            ClassifierConfig.defaults(), new AgentAlerts("http://monitor:8080"), 1_000);
    List<Notice> notices = alerts.stream().map(alert -> new Notice(alert, GROUP)).toList();

    try (HandOffRehearsal handOffs = HandOffRehearsal.start()) {
      assertThat(handOffs.handOver(notices)).isEqualTo(1_000);
      // each hand-over waits for its own notices, not those of the one before
      assertThat(handOffs.handOver(notices.subList(0, 10))).isEqualTo(10);
      DeliveryOutcome outcome =
          handOffs.post(
              AlertmanagerPayload.of("rehearsal", "http://monitor:8080", GROUP, alerts).toBuffer());
      assertThat(outcome.verdict()).isEqualTo(DeliveryOutcome.Verdict.DELIVERED);
    }
  }
}
