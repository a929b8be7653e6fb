package io.flumesentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.testing.Zk;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * 5,000 agents lose their live nodes at once, as when the one session that owns them closes (a host
 * or a supervisor of many agents dies): the time until the receiver has a firing alert for every
 * one of them, against the naive design ({@link NaiveClassifier}) on the same server. Goal: under
 * 500 ms.
 */
class StormBench extends ZooKeeperBench {

  private static final int AGENTS = 5_000;
  private static final int RUNS = 3;
  private static final long STORM_WITHIN_MS = 120_000;

  private static final String MEASURES =
      "one session holding 5,000 live nodes closes → all 5,000 classified and delivered (median of"
          + " 3), against the naive design in the same run: `PathChildrenCache` and one synchronous"
          + " `exists` per removal, classification only";

  private final BenchReport report = new BenchReport("storm", StormBench.class);

  @Test
  void sessionClosedToEveryAgentAlerted() throws Exception {
    // One unmeasured storm of each design first, so that neither is measured with cold
    // JIT and caches.
    Storm warmMonitor = monitorStorm(0);
    double warmNaive = naiveStorm(0);
    report.line(
        "warm-up agents="
            + AGENTS
            + " monitor="
            + BenchReport.ms(warmMonitor.millis)
            + "ms"
            + " naive="
            + BenchReport.ms(warmNaive)
            + "ms (not counted)");
    double[] ours = new double[RUNS];
    double[] naive = new double[RUNS];
    long[] requests = new long[RUNS];
    for (int run = 1; run <= RUNS; run++) {
      Storm monitor = monitorStorm(run);
      ours[run - 1] = monitor.millis;
      naive[run - 1] = naiveStorm(run);
      requests[run - 1] = monitor.requests;
      report.line(
          "run="
              + run
              + " agents="
              + AGENTS
              + " monitor="
              + BenchReport.ms(monitor.millis)
              + "ms (first alert "
              + BenchReport.ms(monitor.firstMillis)
              + "ms, "
              + monitor.requests
              + " webhook requests)"
              + " naive="
              + BenchReport.ms(naive[run - 1])
              + "ms"
              + " ratio="
              + BenchReport.ms(naive[run - 1] / monitor.millis));
    }
    assertThat(receiver.malformed()).isEmpty();
    double oursMedian = BenchReport.median(ours);
    double naiveMedian = BenchReport.median(naive);
    report.line(
        "median monitor="
            + BenchReport.ms(oursMedian)
            + "ms naive="
            + BenchReport.ms(naiveMedian)
            + "ms ratio(naive/monitor)="
            + BenchReport.ms(naiveMedian / oursMedian)
            + " "
            + BenchReport.goal("monitor median", oursMedian, 500, "ms"));
    long fewest = Arrays.stream(requests).min().orElse(0);
    long most = Arrays.stream(requests).max().orElse(0);
    report.tableRow(
        MEASURES,
        "median "
            + BenchReport.fixed(oursMedian, 0)
            + " ms (runs "
            + String.join(", ", Arrays.stream(ours).mapToObj(m -> BenchReport.fixed(m, 0)).toList())
            + " ms; "
            + (fewest == most ? fewest : fewest + "–" + most)
            + " webhook requests); naive design "
            + BenchReport.fixed(naiveMedian, 0)
            + " ms, "
            + BenchReport.fixed(naiveMedian / oursMedian, 1)
            + "× slower",
        BenchReport.goalCell("median", oursMedian, 500, "ms"));
  }

  /** Session closed → first and last firing alert received, and the requests that carried them. */
  private record Storm(double firstMillis, double millis, long requests) {}

  /** The monitor: session closed → firing alerts for all agents received. */
  private Storm monitorStorm(int run) throws Exception {
    AgentFleet fleet = AgentFleet.of("/bench-storm-" + run + "-monitor", "m" + run, AGENTS);
    fleet.register(agentSide);
    CuratorFramework liveSession = Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30));
    fleet.goLive(liveSession);
    try (Monitor monitor =
        InProcessMonitor.startReady(zooKeeper.connectString(), fleet.root(), receiver.url())) {
      var everyAlert = receiver.allFiring(fleet.ids());
      long requestsBefore = receiver.requests();
      long t0 = System.nanoTime();
      liveSession.close();
      var arrivals = everyAlert.get(STORM_WITHIN_MS, TimeUnit.MILLISECONDS);
      return new Storm(
          BenchReport.ms(arrivals.first() - t0),
          BenchReport.ms(arrivals.last() - t0),
          receiver.requests() - requestsBefore);
    }
  }

  /** The baseline: session closed → every removal classified by synchronous reads. */
  private double naiveStorm(int run) throws Exception {
    AgentFleet fleet = AgentFleet.of("/bench-storm-" + run + "-naive", "n" + run, AGENTS);
    fleet.register(agentSide);
    CuratorFramework liveSession = Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30));
    fleet.goLive(liveSession);
    try (CuratorFramework watcher = Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30));
        NaiveClassifier naive = new NaiveClassifier(watcher, fleet.layout(), AGENTS)) {
      naive.start();
      long t0 = System.nanoTime();
      liveSession.close();
      long lastClassified = naive.allClassified().get(STORM_WITHIN_MS, TimeUnit.MILLISECONDS);
      assertThat(naive.crashed()).isEqualTo(AGENTS);
      return BenchReport.ms(lastClassified - t0);
    }
  }
}
