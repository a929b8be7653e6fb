package io.flumesentinel.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.alert.ZooKeeperLossVerticle;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar's monitor started while its ZooKeeper is down: it must stay up and say so — {@code
 * /health/live} 200, {@code /health/ready} 503, {@code FlumeSentinelZooKeeperLost} at the webhook —
 * become ready once ZooKeeper starts, and print no stack trace meanwhile.
 */
@Tag("chaos")
class ZooKeeperDownAtStartChaosIT {

  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final ZkLayout LAYOUT = new ZkLayout("/chaos-zookeeper-down");

  /** The lines of a printed Java stack trace. */
  private static final Pattern STACK_TRACE =
      Pattern.compile("^\\s+at [\\w$.]+\\(.*\\)\\s*$|^Caused by: |^\\s+\\.\\.\\. \\d+ more");

  @TempDir Path dir;

  @Test
  void aMonitorStartedWithoutZooKeeperStaysUpAlertsAndBecomesReadyOnceItIsThere() throws Exception {
    ChaosReport.run(
        "zookeeper-down-at-start",
        report -> {
          int port = Http.freePort();
          try (WebhookReceiver receiver = WebhookReceiver.start();
              ChaosMonitor monitor =
                  ChaosMonitor.launch(
                      dir,
                      "monitor",
                      ChaosMonitor.Config.of("127.0.0.1:" + port, LAYOUT.root(), receiver.url())
                          .sessionTimeout(SESSION),
                      report)) {
            report.millis(
                "live",
                Waits.until(
                    "/health/live answering 200 while ZooKeeper is down",
                    Duration.ofSeconds(60),
                    () -> {
                      monitor.requireAlive();
                      return monitor.status("/health/live") == 200;
                    }));
            int ready = monitor.status("/health/ready");
            report.figure("readyWhileDown", ready);
            assertThat(ready).as("/health/ready while ZooKeeper is down").isEqualTo(503);
            report.millis(
                "lostAlert",
                Waits.until(
                    ZooKeeperLossVerticle.ALERTNAME + " at the webhook",
                    SESSION.plusSeconds(30),
                    () -> {
                      monitor.requireAlive();
                      return Waits.firingNamed(receiver, ZooKeeperLossVerticle.ALERTNAME) >= 1;
                    }));
            monitor.requireAlive();
            assertThat(monitor.status("/health/live")).as("/health/live").isEqualTo(200);

            try (ZooKeeperProcess zooKeeper = ZooKeeperProcess.start(port)) {
              report.millis(
                  "readyAfterZooKeeper",
                  Waits.until(
                      "ready once ZooKeeper is up",
                      Duration.ofSeconds(60),
                      () -> {
                        monitor.requireAlive();
                        return monitor.status("/health/ready") == 200;
                      }));
            }
            List<String> stackTrace =
                monitor.output().stream().filter(l -> STACK_TRACE.matcher(l).find()).toList();
            report.figure("stackTraceLines", stackTrace.size());
            assertThat(stackTrace).as("stack trace lines in the monitor's output").isEmpty();
          }
        });
  }
}
