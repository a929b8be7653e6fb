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
import java.util.Arrays;
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
 * meanwhile (its event loop is not held). Each figure is the median of five requests, printed with
 * the slowest.
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
              ChaosFleet.registerRunning(client, LAYOUT, id);
            }
            monitor.awaitReady(Duration.ofSeconds(60));
            for (String id : ids) {
              ChaosFleet.crash(client, LAYOUT, id);
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
            double[] filterMs = new double[TRIES];
            double[] liveMs = new double[TRIES];
            int status = 0;
            int liveFailures = 0;
            for (int i = 0; i < TRIES; i++) {
              LiveProbe probe = LiveProbe.start(monitor);
              try {
                ChaosMonitor.Timed answer = monitor.timed(path, Duration.ofSeconds(10));
                filterMs[i] = answer.millis();
                status = answer.status();
              } finally {
                probe.stop();
              }
              liveMs[i] = probe.slowestMillis();
              liveFailures += probe.failures();
            }
            report.figure("filterStatus", status);
            report.millis("filterMedian", median(filterMs));
            report.millis("filterMax", Arrays.stream(filterMs).max().orElseThrow());
            report.millis("liveMedian", median(liveMs));
            report.millis("liveMax", Arrays.stream(liveMs).max().orElseThrow());
            assertThat(status).as("status of the filtered request").isIn(200, 400);
            assertThat(median(filterMs))
                .as("median ms to answer the filter, goal < %.0f", FILTER_GOAL_MS)
                .isLessThan(FILTER_GOAL_MS);
            assertThat(liveFailures).as("/health/live answers other than 200").isZero();
            assertThat(median(liveMs))
                .as(
                    "median of the slowest /health/live during each filtered request, goal < %.0f",
                    LIVE_GOAL_MS)
                .isLessThan(LIVE_GOAL_MS);
          }
        });
  }

  /**
   * The middle of {@code values}: one pause of a machine shared with other work is not a verdict.
   */
  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Requests {@code /health/live} one after the other on a thread of its own, timing each. */
  private static final class LiveProbe {

    private final ChaosMonitor monitor;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private double slowest;
    private int failures;
    private int answers;

    private LiveProbe(ChaosMonitor monitor) {
      this.monitor = monitor;
      this.thread = new Thread(this::probe, "live-probe");
    }

    static LiveProbe start(ChaosMonitor monitor) {
      LiveProbe probe = new LiveProbe(monitor);
      probe.thread.start();
      return probe;
    }

    private void probe() {
      // at least one answer, however quick the request it runs beside
      while (running.get() || answers == 0) {
        try {
          ChaosMonitor.Timed live = monitor.timed("/health/live", Duration.ofSeconds(2));
          answers++;
          slowest = Math.max(slowest, live.millis());
          if (live.status() != 200) {
            failures++;
          }
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** Stops probing once the request in flight has been answered. */
    void stop() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }

    /** The slowest answer, in ms; read after {@link #stop}. */
    double slowestMillis() {
      return slowest;
    }

    int failures() {
      return failures;
    }
  }
}
