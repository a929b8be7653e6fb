package io.flumesentinel.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regular expression that takes exponential time in a backtracking engine, {@code
 * alertname=~(((.+)+)+)+X}, as the filter of {@code GET /api/alerts} over about twenty alerts: the
 * monitor must answer it within 100 ms, and {@code /health/live} must keep answering within 50 ms
 * meanwhile (its event loop is not held).
 *
 * <p>{@code -Dchaos.filter.alerts=20} sets the number of alerts.
 */
@Tag("chaos")
class FilterRegexChaosIT {

  private static final int ALERTS = Integer.getInteger("chaos.filter.alerts", 20);
  private static final String FILTER = "alertname=~(((.+)+)+)+X";
  private static final int TRIES = 5;
  private static final double FILTER_GOAL_MS = 100;
  private static final double LIVE_GOAL_MS = 50;
  private static final ZkLayout LAYOUT = new ZkLayout("/chaos-filter");

  @TempDir Path dir;

  @Test
  void aPathologicalFilterIsAnsweredQuicklyWhileTheMonitorStaysLive() throws Exception {
    ChaosReport.run(
        "filter-regex",
        report -> {
          report.figure("alerts", ALERTS);
          List<String> ids = ChaosFleet.ids("filtered", ALERTS);
          try (ZooKeeperProcess zooKeeper = ZooKeeperProcess.start();
              WebhookReceiver receiver = WebhookReceiver.start();
              CuratorFramework client =
                  Zk.client(zooKeeper.connectString(), Duration.ofSeconds(10));
              ChaosMonitor monitor =
                  ChaosMonitor.launch(
                      dir,
                      "monitor",
                      ChaosMonitor.Config.of(
                          zooKeeper.connectString(), LAYOUT.root(), receiver.url()),
                      report)) {
            for (String id : ids) {
              HeldAgent.startInProcess(client, LAYOUT, id);
            }
            monitor.awaitReady(Duration.ofSeconds(60));
            for (String id : ids) {
              HeldAgent.crash(client, LAYOUT, id);
            }
            Waits.allFiring(receiver, ids, Duration.ofSeconds(30));
            Waits.until(
                "every alert recorded",
                Duration.ofSeconds(10),
                () -> {
                  for (String id : ids) {
                    if (!LedgerView.recordedFiring(client, LAYOUT, id)) {
                      return false;
                    }
                  }
                  return true;
                });
            // both sides warmed up: the figures are the monitor's, not a first request's
            for (int i = 0; i < 5; i++) {
              monitor.timed("/api/alerts", Duration.ofSeconds(10));
              monitor.timed("/health/live", Duration.ofSeconds(2));
            }

            String path = "/api/alerts?filter=" + URLEncoder.encode(FILTER, StandardCharsets.UTF_8);
            AtomicBoolean measuring = new AtomicBoolean(true);
            double[] liveMax = new double[1];
            int[] liveFailures = new int[1];
            Thread prober =
                new Thread(
                    () -> {
                      while (measuring.get()) {
                        try {
                          ChaosMonitor.Timed live =
                              monitor.timed("/health/live", Duration.ofSeconds(2));
                          liveMax[0] = Math.max(liveMax[0], live.millis());
                          if (live.status() != 200) {
                            liveFailures[0]++;
                          }
                          Thread.sleep(5);
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    },
                    "live-prober");
            double filterMax = 0;
            int status = 0;
            prober.start();
            try {
              for (int i = 0; i < TRIES; i++) {
                ChaosMonitor.Timed answer = monitor.timed(path, Duration.ofSeconds(10));
                filterMax = Math.max(filterMax, answer.millis());
                status = answer.status();
              }
            } finally {
              measuring.set(false);
              prober.join(5000);
            }
            report.figure("filterStatus", status);
            report.millis("filterMax", filterMax);
            report.millis("liveMax", liveMax[0]);
            assertThat(status).as("status of the filtered request").isIn(200, 400);
            assertThat(filterMax)
                .as("ms to answer the filter, goal < %.0f", FILTER_GOAL_MS)
                .isLessThan(FILTER_GOAL_MS);
            assertThat(liveFailures[0]).as("/health/live answers other than 200").isZero();
            assertThat(liveMax[0])
                .as("ms of the slowest /health/live meanwhile, goal < %.0f", LIVE_GOAL_MS)
                .isLessThan(LIVE_GOAL_MS);
          }
        });
  }
}
