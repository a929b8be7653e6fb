package io.flumesentinel.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.classify.ClassifierRehearsal;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Notice;
import io.flumesentinel.notify.webhook.CapturedLogs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The rehearsal's hand-offs arrive, every one, on a Vert.x of its own; a rehearsal stopped while it
 * starts leaves no error behind.
 */
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

  /**
   * A monitor stopped right after it became ready interrupts the rehearsal while it deploys its
   * verticles. Closing a Vert.x fails the start of a verticle still deploying, and when that start
   * then ended, Vert.x logged "Unhandled exception: Promise already completed" with its stack trace
   * in the monitor's last lines. Interrupted at every moment of its start, it logs nothing.
   */
  @Test
  void aRehearsalInterruptedWhileItStartsLogsNoError() throws Exception {
    CapturedLogs logs = CapturedLogs.named(Logger.ROOT_LOGGER_NAME);
    try {
      for (int delayMs = 0; delayMs <= 200; delayMs += 5) {
        Thread starting =
            new Thread(
                () -> {
                  try (HandOffRehearsal handOffs = HandOffRehearsal.start("http://monitor:8080")) {
                    handOffs.deliver(List.of());
                  } catch (Exception e) {
                    // interrupted: what the monitor's stop does
                  }
                });
        starting.start();
        TimeUnit.MILLISECONDS.sleep(delayMs);
        starting.interrupt();
        starting.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(starting.isAlive()).as("interrupted after %d ms", delayMs).isFalse();
      }
      // what a closing Vert.x still had queued
      TimeUnit.MILLISECONDS.sleep(200);
      assertThat(logs.events())
          .as("lines logged")
          .noneMatch(event -> event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN));
    } finally {
      logs.detach();
    }
  }
}
