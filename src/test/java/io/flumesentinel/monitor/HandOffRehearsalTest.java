package io.flumesentinel.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.classify.ClassifierRehearsal;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Notice;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rehearsal's hand-offs arrive, every one, on a Vert.x of its own. */
class HandOffRehearsalTest {

  private static final AlertGroup GROUP =
      AlertGroup.of("rehearsal", Map.of(), Duration.ZERO, Duration.ZERO);

  @Test
  void everyAlertIsDeliveredToTheLoopbackServer() throws Exception {
    List<Alert> alerts =
        ClassifierRehearsal.loseAll(
            ClassifierConfig.defaults(), new AgentAlerts("http://monitor:8080"), 1_000);
    List<Notice> notices = alerts.stream().map(alert -> new Notice(alert, GROUP)).toList();

    try (HandOffRehearsal handOffs = HandOffRehearsal.start("http://monitor:8080")) {
      assertThat(handOffs.deliver(alerts)).isEqualTo(1_000);
      // each delivery waits for its own alerts, not those of the one before
      assertThat(handOffs.deliver(alerts.subList(0, 10))).isEqualTo(10);
    }
  }
}
