package io.flumesentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.MonitorJar;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A storm as users meet it: every process in a JVM of its own, started cold for each round —
 * ZooKeeper, the fat jar's monitor, its webhook receiver, a bare client that only watches (the
 * floor: nothing can know sooner) and the naive design ({@link NaiveClassifier}). One session
 * holding every agent's live node is closed; each process notes in wall-clock microseconds when it
 * has seen the last loss (the floor), classified it (naive) or received its firing alert (the
 * monitor's receiver).
 *
 * <p>Run with {@code mvn -B -Pbench verify -Dit.test=BlackBoxStormBenchIT} (the fat jar is built
 * first); {@code -Dstorm.agents=5000,20000} sets the storm sizes, {@code -Dstorm.rounds=3} the
 * rounds per size. Prints per round and the medians, with the goals: the monitor within 2×
 * the floor (2.5× at 20,000) and at least 3× faster than the naive design.
 */
@Tag("bench")
class BlackBoxStormBenchIT {

  private static final Pattern LAST = Pattern.compile("last=(\\d+)");
  private static final Pattern FIRST = Pattern.compile("first=(\\d+)");
  private static final Pattern REQUESTS = Pattern.compile("requests=(\\d+)");
  private static final Pattern MALFORMED = Pattern.compile("malformed=(\\d+)");
  private static final Pattern CRASHED = Pattern.compile("crashed=(\\d+)");
  private static final Duration STORM_WITHIN = Duration.ofMinutes(3);

  private final BenchReport report = new BenchReport("storm-blackbox", BlackBoxStormBenchIT.class);

  @Test
  void sessionClosedToEveryAlertDelivered() throws Exception {
    int rounds = Integer.getInteger("storm.rounds", 3);
    int[] sizes =
        Arrays.stream(System.getProperty("storm.agents", "5000").split(","))
            .mapToInt(s -> Integer.parseInt(s.strip()))
            .toArray();
    List<String> figures = new ArrayList<>();
    List<String> goals = new ArrayList<>();
    try (ZooKeeperProcess zooKeeper = ZooKeeperProcess.start()) {
      for (int agents : sizes) {
        double[] floor = new double[rounds];
        double[] ours = new double[rounds];
        double[] naive = new double[rounds];
        for (int round = 0; round < rounds; round++) {
          Round result = round(zooKeeper.connectString(), agents, round);
          floor[round] = result.floorMs;
          ours[round] = result.oursMs;
          naive[round] = result.naiveMs;
          report.line(
              String.format(
                  "agents=%d round=%d floor=%sms monitor=%sms (first alert %sms, %d requests,"
                      + " %sms of CPU) naive=%sms monitor/floor=%s naive/monitor=%s (settled %sms"
                      + " after ready)",
                  agents,
                  round + 1,
                  BenchReport.ms(result.floorMs),
                  BenchReport.ms(result.oursMs),
                  BenchReport.ms(result.firstMs),
                  result.requests,
                  BenchReport.ms(result.monitorCpuMs),
                  BenchReport.ms(result.naiveMs),
                  BenchReport.ms(result.oursMs / result.floorMs),
                  BenchReport.ms(result.naiveMs / result.oursMs),
                  BenchReport.ms(result.settledMs)));
        }
        double floorMedian = BenchReport.median(floor);
        double oursMedian = BenchReport.median(ours);
        double naiveMedian = BenchReport.median(naive);
        // The goals compare the monitor with the floor and the naive design measured in the same
        // round, side by side: judged on the median of the rounds' ratios. The ratio of the
        // medians of times, which may pair a quick round's monitor with a slow round's naive
        // design, is printed beside it.
        double[] toFloor = new double[rounds];
        double[] naiveTo = new double[rounds];
        for (int round = 0; round < rounds; round++) {
          toFloor[round] = ours[round] / floor[round];
          naiveTo[round] = naive[round] / ours[round];
        }
        double toFloorMedian = BenchReport.median(toFloor);
        double naiveToMedian = BenchReport.median(naiveTo);
        double limit = agents >= 20_000 ? 2.5 : 2.0;
        // The issue sets the naive design's goal for the storm of 5,000 only.
        boolean naiveGoal = agents < 20_000;
        String floorVerdict = toFloorMedian <= limit ? "PASS" : "MISS";
        String naiveVerdict = naiveToMedian >= 3 ? "PASS" : "MISS";
        report.line(
            String.format(
                "agents=%d median floor=%sms monitor=%sms naive=%sms; median of the rounds'"
                    + " ratios: monitor/floor=%s %s naive/monitor=%s %s; ratios of the medians:"
                    + " monitor/floor=%s naive/monitor=%s",
                agents,
                BenchReport.ms(floorMedian),
                BenchReport.ms(oursMedian),
                BenchReport.ms(naiveMedian),
                BenchReport.ms(toFloorMedian),
                "(goal <= " + limit + ": " + floorVerdict + ")",
                BenchReport.ms(naiveToMedian),
                naiveGoal ? "(goal >= 3: " + naiveVerdict + ")" : "(no goal)",
                BenchReport.ms(oursMedian / floorMedian),
                BenchReport.ms(naiveMedian / oursMedian)));
        figures.add(
            String.format(
                "%,d agents: floor %s ms, monitor %s ms, naive %s ms; by round, the monitor %s×"
                    + " the floor and the naive design %s× the monitor",
                agents,
                BenchReport.fixed(floorMedian, 0),
                BenchReport.fixed(oursMedian, 0),
                BenchReport.fixed(naiveMedian, 0),
                BenchReport.fixed(toFloorMedian, 2),
                BenchReport.fixed(naiveToMedian, 2)));
        goals.add(
            String.format("%,d: ≤ %s× floor %s", agents, limit, floorVerdict)
                + (naiveGoal ? ", ≥ 3× naive " + naiveVerdict : ""));
      }
    }
    report.tableRow(
        "Cold storm, black-box: one session holding every live node closed; ZooKeeper, the fat"
            + " jar's monitor, its webhook receiver, a bare watcher (the floor) and the naive"
            + " design each in a cold JVM; medians of "
            + rounds
            + " rounds, the ratios taken in each round",
        String.join("; ", figures),
        String.join("; ", goals));
  }

  private record Round(
      double floorMs,
      double oursMs,
      double firstMs,
      long requests,
      double naiveMs,
      double settledMs,
      double monitorCpuMs) {}

  private Round round(String connect, int agents, int round) throws Exception {
    String prefix = "s" + round;
    AgentFleet fleet = AgentFleet.of("/storm-" + agents + "-" + round, prefix, agents);
    Path dir = Files.createTempDirectory("storm");
    List<AutoCloseable> processes = new ArrayList<>();
    try (CuratorFramework agentSide = Zk.client(connect, Duration.ofSeconds(30));
        CuratorFramework liveSession = Zk.client(connect, Duration.ofSeconds(30))) {
      fleet.register(agentSide);
      fleet.goLive(liveSession);

      ChildJvm receiver =
          started(
              processes,
              ChildJvm.start(
                  ChildJvm.command(
                      256, StormReceiverMain.class.getName(), prefix, Integer.toString(agents)),
                  dir.resolve("receiver.log")));
      String url = receiver.await("^URL (\\S+)", Duration.ofSeconds(30));
      ChildJvm floor =
          started(
              processes,
              ChildJvm.start(
                  ChildJvm.command(
                      128,
                      FloorWatcherMain.class.getName(),
                      connect,
                      fleet.layout().live(),
                      Integer.toString(agents)),
                  dir.resolve("floor.log")));
      ChildJvm naive =
          started(
              processes,
              ChildJvm.start(
                  ChildJvm.command(
                      256,
                      NaiveWatcherMain.class.getName(),
                      connect,
                      fleet.root(),
                      Integer.toString(agents)),
                  dir.resolve("naive.log")));
      int httpPort = Http.freePort();
      ChildJvm monitor =
          started(
              processes,
              ChildJvm.start(
                  withJvmOptions(
                      MonitorJar.command(
                          512,
                          "monitor",
                          "--config",
                          historyOfItsOwn(dir).toString(),
                          "--zk",
                          connect,
                          "--root",
                          fleet.root(),
                          "--http-port",
                          Integer.toString(httpPort),
                          "--webhook",
                          url),
                      round),
                  dir.resolve("monitor.log")));
      floor.await("^WATCHING", Duration.ofSeconds(60));
      // its process's JVM start and connection, then its cache's own bound
      naive.await("^WATCHING", NaiveClassifier.LOADED_WITHIN.plusMinutes(1));
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> Http.status(httpPort, "/health/ready") == 200);
      // Cold, as a monitor idle for days is: its start-up done (ready answers before the
      // figures by group have been counted from the first load, a worker's job, and before the
      // storm rehearsal has played), and no real storm through its alert path yet.
      long readyNanos = System.nanoTime();
      monitor.await("Rehearsed \\d+ storms", Duration.ofMinutes(3));
      awaitIdle(monitor.process(), floor.process(), naive.process());
      double settledMs = (System.nanoTime() - readyNanos) / 1e6;

      long monitorCpuBefore = cpuNanos(monitor.process());
      long closedMicros = WallClock.nowMicros();
      // With the receiver's REQUEST lines (in receiver.log in that directory), the storm's
      // requests can be read against the close.
      System.out.println("CLOSED at=" + closedMicros + " dir=" + dir);
      liveSession.close();

      String floorLine = floor.await("^(ALL .*)", STORM_WITHIN);
      String oursLine = receiver.await("^(ALL .*)", STORM_WITHIN);
      // Read once every alert is in: a little more than the storm's, the same in every round.
      double monitorCpuMs = (cpuNanos(monitor.process()) - monitorCpuBefore) / 1e6;
      String naiveLine = naive.await("^(ALL .*)", STORM_WITHIN);
      // every alert arrived (the receiver's ALL line says so) and none was malformed; the naive
      // design saw every removal as a crash
      assertThat(number(oursLine, MALFORMED)).as("malformed webhook bodies").isZero();
      assertThat(number(naiveLine, CRASHED)).as("naive verdicts").isEqualTo(agents);
      return new Round(
          since(closedMicros, floorLine, LAST),
          since(closedMicros, oursLine, LAST),
          since(closedMicros, oursLine, FIRST),
          number(oursLine, REQUESTS),
          since(closedMicros, naiveLine, LAST),
          settledMs,
          monitorCpuMs);
    } finally {
      for (int i = processes.size() - 1; i >= 0; i--) {
        processes.get(i).close();
      }
    }
  }

  /**
   * A config file that gives the round's monitor a notification history in {@code dir}: the default
   * one is under the working directory, where every round would add its storm to the same database
   * and a later round's monitor would spend its first minute trimming it, during the storm.
   */
  private static Path historyOfItsOwn(Path dir) throws IOException {
    return Files.writeString(
        dir.resolve("monitor.yaml"), "history: { dir: \"" + dir.resolve("history") + "\" }\n");
  }

  /**
   * The monitor's command with {@code -Dstorm.monitorJvmOptions} added after {@code java}, e.g. a
   * flight recording to see where a storm's time goes; {@code {round}} in it becomes the round.
   */
  private static List<String> withJvmOptions(List<String> command, int round) {
    String options = System.getProperty("storm.monitorJvmOptions", "").strip();
    if (options.isEmpty()) {
      return command;
    }
    List<String> withOptions = new ArrayList<>(command.subList(0, 1));
    for (String option : options.split("\\s+")) {
      withOptions.add(option.replace("{round}", Integer.toString(round)));
    }
    withOptions.addAll(command.subList(1, command.size()));
    return withOptions;
  }

  /**
   * Waits until none of {@code processes} uses more than 5% of a CPU over half a second (their
   * start-up and first load done), at most a minute.
   */
  private static void awaitIdle(Process... processes) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    long before = cpuNanos(processes);
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      long now = cpuNanos(processes);
      boolean idle = now - before < Duration.ofMillis(25).toNanos();
      before = now;
      if (idle) {
        return;
      }
    }
  }

  /** The CPU time used so far by {@code processes}, from their {@code ProcessHandle.Info}. */
  private static long cpuNanos(Process... processes) {
    long total = 0;
    for (Process process : processes) {
      total +=
          process
              .info()
              .totalCpuDuration()
              .map(Duration::toNanos)
              .orElseThrow(() -> new IllegalStateException("no CPU time for " + process.pid()));
    }
    return total;
  }

  private static ChildJvm started(List<AutoCloseable> processes, ChildJvm jvm) {
    processes.add(jvm);
    return jvm;
  }

  private static double since(long closedMicros, String line, Pattern field) {
    return (number(line, field) - closedMicros) / 1000.0;
  }

  private static long number(String line, Pattern field) {
    Matcher m = field.matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("no " + field + " in: " + line);
    }
    return Long.parseLong(m.group(1));
  }
}
