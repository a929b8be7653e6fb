package io.flumesentinel.bench;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The monitor started from its command line, in a JVM of its own, against 10,000 running agents:
 * the time from process start to the first 200 on {@code /health/ready} (goal: under 3 s), and the
 * heap in use after a full GC once ready (goal: under 128 MB).
 */
class StartupBench extends ZooKeeperBench {

  private static final int AGENTS = 10_000;
  private static final int RUNS = 3;
  private static final String ROOT = "/bench-startup";

  private static final String MEASURES =
      "`monitor` process start with 10,000 registered, running agents → `/health/ready` 200 (median"
          + " of 3); heap in use after a full GC (`jcmd GC.run`)";

  private final BenchReport report = new BenchReport("startup", StartupBench.class);

  @Test
  void processStartToReadyAndHeap() throws Exception {
    AgentFleet fleet = AgentFleet.of(ROOT, "agent", AGENTS);
    fleet.register(agentSide);
    fleet.goLive(agentSide);
    double[] readyMillis = new double[RUNS];
    double[] heapMegabytes = new double[RUNS];
    for (int run = 1; run <= RUNS; run++) {
      Path log =
          Path.of(
              System.getProperty("basedir", "."),
              "target",
              "bench-startup-monitor-" + run + ".log");
      try (MonitorProcess monitor =
          MonitorProcess.start(zooKeeper.connectString(), ROOT, receiver.url(), log)) {
        readyMillis[run - 1] = monitor.awaitReadyMillis();
        heapMegabytes[run - 1] = monitor.heapAfterGcMegabytes();
      }
      report.line(
          "run="
              + run
              + " agents="
              + AGENTS
              + " timeToReady="
              + BenchReport.ms(readyMillis[run - 1])
              + "ms"
              + " heapAfterGc="
              + BenchReport.ms(heapMegabytes[run - 1])
              + "MB");
    }
    double readyMedian = BenchReport.median(readyMillis);
    double heapMedian = BenchReport.median(heapMegabytes);
    report.line(
        "median timeToReady="
            + BenchReport.ms(readyMedian)
            + "ms heapAfterGc="
            + BenchReport.ms(heapMedian)
            + "MB "
            + BenchReport.goal("timeToReady", readyMedian, 3000, "ms")
            + "; "
            + BenchReport.goal("heapAfterGc", heapMedian, 128, "MB"));
    report.tableRow(
        MEASURES,
        seconds(readyMedian)
            + " s (runs "
            + String.join(", ", Arrays.stream(readyMillis).mapToObj(StartupBench::seconds).toList())
            + " s); heap "
            + BenchReport.fixed(heapMedian, 1)
            + " MB",
        BenchReport.goalCell("ready", readyMedian / 1000, 3, "s")
            + "; "
            + BenchReport.goalCell("heap", heapMedian, 128, "MB"));
  }

  private static String seconds(double millis) {
    return BenchReport.fixed(millis / 1000, 2);
  }
}
