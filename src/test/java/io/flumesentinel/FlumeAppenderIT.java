package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.appender.demo.DemoApp;
import io.flumesentinel.appender.demo.NumberedEventsApp;
import io.flumesentinel.appender.demo.NumberedEventsLog4j2App;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.Agents;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.FlumeRollAgent;
import io.flumesentinel.testing.FlumeRollAgent.Line;
import io.flumesentinel.testing.Zk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appender jar end to end: two real Apache Flume 1.11.0 agents (Avro source → file channel →
 * file_roll sink writing headers and body) under the fat jar's supervisor with {@code --advertise},
 * found through ZooKeeper by an application whose class path holds only Logback and {@code
 * flume-sentinel-appender.jar}. The agent active 40% of the way is SIGKILLed once it wrote a sixth
 * of the events: every event reaches a file_roll output, each agent's output is in sequence order,
 * the events after the kill are on the other agent, the only batches both have are those sent again
 * after a failure, and nothing is dropped.
 */
@Tag("extended")
class FlumeAppenderIT {

  /** Events the application logs; {@code -Dappender.e2e.events=20000} for the run. */
  private static final int EVENTS = Integer.getInteger("appender.e2e.events", 6000);

  /** Its logging rate; {@code -Dappender.e2e.perSecond=2000} for the run. */
  private static final int PER_SECOND = Integer.getInteger("appender.e2e.perSecond", 1000);

  /**
   * How long every agent stays down in the Log4j2 scenarios, e.g. {@code
   * -Dappender.e2e.downFor=30s} for the run: the application then logs for that long plus
   * 30 s (so it still logs once the new agent is up). Without it, until the application logged 40%
   * of its events (4 s at the default size).
   */
  private static final Duration DOWN_FOR = downFor();

  /** When the test looks which agent is active: 40% of the way (event 8,000 of 20,000). */
  private static final int LOOK_AT = EVENTS * 2 / 5 / 100 * 100;

  @TempDir Path dir;

  private final List<ChildJvm> children = new ArrayList<>();

  @Test
  void theActiveAgentKilledMidRunLosesNoEventAndKeepsTheOrder() throws Exception {
    killTheActiveAgentMidRun(this::appCommand);
  }

  /**
   * The same through the Log4j2 adapter (the application's class path: log4j-api, log4j-core and
   * the appender jar), with its default queue as the Logback one, and {@code spool} on.
   */
  @Test
  @Tag("appender-e2e")
  void theActiveAgentKilledMidRunLosesNoEventAndKeepsTheOrderThroughLog4j2() throws Exception {
    killTheActiveAgentMidRun(
        connect -> log4j2AppCommand(connect, "spool", 64L * 1024 * 1024, EVENTS, 0));
  }

  /** The application's command, given ZooKeeper's connect string. */
  private interface AppCommand {
    List<String> of(String connect) throws IOException;
  }

  private void killTheActiveAgentMidRun(AppCommand appCommand) throws Exception {
    Path lib = Path.of(System.getProperty("flume.lib", "target/flume-lib"));
    assertThat(lib.resolve("flume-ng-sdk-1.11.0.jar")).as("Flume runtime resolved").exists();
    try (TestingServer zk = Zk.server();
        CuratorFramework client = Zk.client(zk.getConnectString(), Duration.ofSeconds(10))) {
      try {
        FlumeRollAgent f1 = FlumeRollAgent.prepare(dir, lib, "f1");
        FlumeRollAgent f2 = FlumeRollAgent.prepare(dir, lib, "f2");
        children.add(f1.supervise(zk.getConnectString()));
        children.add(f2.supervise(zk.getConnectString()));
        LiveNode f1Live = Agents.awaitLive(client, "f1", -1, Duration.ofSeconds(90));
        Agents.awaitLive(client, "f2", -1, Duration.ofSeconds(90));
        assertThat(f1Live.advertise()).containsEntry("avro", "127.0.0.1:" + f1.port);
        f1.awaitListening();
        f2.awaitListening();

        ChildJvm app = ChildJvm.start(appCommand.of(zk.getConnectString()));
        children.add(app);
        String active = app.await("LOGGED " + LOOK_AT + " active=(\\S+)", Duration.ofSeconds(60));
        FlumeRollAgent killed = active.endsWith(":" + f1.port) ? f1 : f2;
        FlumeRollAgent other = killed == f1 ? f2 : f1;
        // well into the run: the active agent has written a good part of the events
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> killed.lines().size() >= EVENTS / 6);
        long killedPid = Agents.live(client, killed.id).pid();
        ProcessHandle.of(killedPid).orElseThrow().destroyForcibly();
        app.await("STATS .*", Duration.ofSeconds(60));
        app.output().stream()
            .filter(
                l ->
                    l.startsWith("STATS")
                        || l.startsWith("LONGCALL")
                        || l.contains("FlumeLogbackAppender"))
            .forEach(l -> System.out.println("appender end to end: " + l));
        String stats =
            app.output().stream().filter(l -> l.startsWith("STATS")).findFirst().orElseThrow();
        assertThat(stats).contains("dropped=0");
        long failovers = Long.parseLong(stats.replaceAll(".*failovers=(\\d+).*", "$1"));
        assertThat(failovers).as("the kill moved the batches to the other agent").isPositive();

        // the killed agent comes back under its supervisor and writes what its file channel held
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> union(f1, f2).size() == EVENTS);

        for (FlumeRollAgent agent : List.of(f1, f2)) {
          List<Long> seqs =
              new ArrayList<>(new LinkedHashSet<>(agent.lines().stream().map(Line::seq).toList()));
          assertThat(seqs).as(agent.id + "'s output is in sequence order").isSorted();
        }
        Set<Long> killedBatches = new HashSet<>();
        killed.lines().forEach(l -> killedBatches.add(l.batch()));
        Set<Long> onBoth = new HashSet<>();
        other.lines().stream()
            .filter(l -> killedBatches.contains(l.batch()))
            .forEach(l -> onBoth.add(l.batch()));
        assertThat(onBoth.size())
            .as("batches on both agents: only those sent again after a failure")
            .isLessThanOrEqualTo((int) failovers);
        long afterKill = other.lines().stream().mapToLong(Line::seq).max().orElseThrow();
        assertThat(afterKill)
            .as("the events after the kill went to the other agent")
            .isEqualTo(EVENTS);
        System.out.println(
            "appender end to end: killed "
                + killed.id
                + " (active at event "
                + LOOK_AT
                + "), "
                + killed.lines().size()
                + " lines in its output (up to seq "
                + killed.lines().stream().mapToLong(Line::seq).max().orElse(0)
                + "), "
                + other.lines().size()
                + " in "
                + other.id
                + "'s, "
                + onBoth.size()
                + " batches on both");
      } finally {
        for (ChildJvm child : children) {
          child.close();
        }
      }
    }
  }

  /**
   * A third agent, started under its supervisor after a failover, gets the events once the second
   * fails too, without any change to the application's configuration: the application logs until
   * told to stop, the active agent is SIGKILLed, the third agent starts, the second is SIGKILLed;
   * every event logged is in a file_roll output, each agent's output in sequence order.
   */
  @Test
  @Tag("appender-e2e")
  void aThirdAgentStartedAfterTheFailoverGetsTheEvents() throws Exception {
    Path lib = Path.of(System.getProperty("flume.lib", "target/flume-lib"));
    Path stop = dir.resolve("stop");
    try (TestingServer zk = Zk.server();
        CuratorFramework client = Zk.client(zk.getConnectString(), Duration.ofSeconds(10))) {
      try {
        FlumeRollAgent f1 = FlumeRollAgent.prepare(dir, lib, "f1");
        FlumeRollAgent f2 = FlumeRollAgent.prepare(dir, lib, "f2");
        FlumeRollAgent f3 = FlumeRollAgent.prepare(dir, lib, "f3");
        children.add(f1.supervise(zk.getConnectString()));
        children.add(f2.supervise(zk.getConnectString()));
        Agents.awaitLive(client, "f1", -1, Duration.ofSeconds(90));
        Agents.awaitLive(client, "f2", -1, Duration.ofSeconds(90));
        f1.awaitListening();
        f2.awaitListening();

        List<String> command = new ArrayList<>(appCommand(zk.getConnectString()));
        command.set(command.size() - 3, Integer.toString(PER_SECOND * 120));
        command.add(stop.toString());
        ChildJvm app = ChildJvm.start(command);
        children.add(app);
        await().atMost(Duration.ofSeconds(60)).until(() -> f1.lines().size() >= 500);
        ProcessHandle.of(Agents.live(client, "f1").pid()).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> f2.lines().size() >= 500);

        children.add(f3.supervise(zk.getConnectString()));
        Agents.awaitLive(client, "f3", -1, Duration.ofSeconds(90));
        f3.awaitListening();
        ProcessHandle.of(Agents.live(client, "f2").pid()).orElseThrow().destroyForcibly();
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(f3.lines())
                        .as("the third agent got events")
                        .hasSizeGreaterThan(500));
        Files.writeString(stop, "stop");

        app.await("STATS .*", Duration.ofSeconds(120));
        String stats =
            app.output().stream().filter(l -> l.startsWith("STATS")).findFirst().orElseThrow();
        System.out.println("appender third agent end to end: " + stats);
        assertThat(stats).contains("dropped=0");
        long logged = Long.parseLong(stats.replaceAll(".*logged=(\\d+).*", "$1"));
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> union(f1, f2, f3).size() == logged);
        for (FlumeRollAgent agent : List.of(f1, f2, f3)) {
          List<Long> seqs =
              new ArrayList<>(new LinkedHashSet<>(agent.lines().stream().map(Line::seq).toList()));
          assertThat(seqs).as(agent.id + "'s output is in sequence order").isSorted();
        }
        System.out.println(
            "appender third agent end to end: "
                + logged
                + " events; f1 "
                + f1.lines().size()
                + ", f2 "
                + f2.lines().size()
                + ", f3 "
                + f3.lines().size()
                + " lines");
      } finally {
        for (ChildJvm child : children) {
          child.close();
        }
      }
    }
  }

  /**
   * Every agent down, through the Log4j2 plugin with the spool: the only agent is SIGKILLed with
   * its supervisor, the application goes on logging into the spool, and an agent that was never
   * there before is started under a supervisor: the application sends to it without any change to
   * its configuration, and once the first agent is back (it still holds what its file channel took)
   * every event is in a file_roll output, none dropped, the spool never over its cap.
   */
  @Test
  @Tag("appender-e2e")
  void everyAgentDownSpoolsThenANewAgentGetsEverythingThroughLog4j2() throws Exception {
    // at most 256 bytes an event in the spool (about 150 are used): never full in this scenario
    long spoolCap = Math.max(8L * 1024 * 1024, 256L * everyAgentDownEvents());
    String stats = everyAgentDown("spool", spoolCap);

    assertThat(stats).contains("dropped=0").doesNotContain("spooled=0 ");
    long largestSpool = Long.parseLong(stats.replaceAll(".*largestSpoolBytes=(\\d+).*", "$1"));
    assertThat(largestSpool).isPositive().isLessThanOrEqualTo(spoolCap);
  }

  /**
   * The same with the {@code drop} policy: what did not fit in the queue is missing downstream, and
   * exactly as many events as are missing are reported dropped, in the agents' outputs as in the
   * application's counters.
   */
  @Test
  @Tag("appender-e2e")
  void everyAgentDownDropsAndReportsExactlyHowManyThroughLog4j2() throws Exception {
    String stats = everyAgentDown("drop", 64 * 1024);

    long dropped = Long.parseLong(stats.replaceAll(".*dropped=(\\d+).*", "$1"));
    assertThat(dropped).isPositive();
    assertThat(stats).contains("spooled=0 ");
  }

  /**
   * The scenario of both: returns the application's STATS line once every event that was not
   * dropped is in a file_roll output, and checks the order, the new agent, and that the drops
   * reported downstream are exactly the events missing.
   */
  private String everyAgentDown(String overflow, long spoolCap) throws Exception {
    Path lib = Path.of(System.getProperty("flume.lib", "target/flume-lib"));
    int events = everyAgentDownEvents();
    try (TestingServer zk = Zk.server();
        CuratorFramework client = Zk.client(zk.getConnectString(), Duration.ofSeconds(10))) {
      try {
        FlumeRollAgent f1 = FlumeRollAgent.prepare(dir, lib, "f1");
        FlumeRollAgent f3 = FlumeRollAgent.prepare(dir, lib, "f3");
        ChildJvm f1Supervisor = f1.supervise(zk.getConnectString());
        children.add(f1Supervisor);
        long f1Pid = Agents.awaitLive(client, "f1", -1, Duration.ofSeconds(90)).pid();
        f1.awaitListening();

        ChildJvm app =
            ChildJvm.start(log4j2AppCommand(zk.getConnectString(), overflow, spoolCap, events));
        children.add(app);
        app.await("LOGGED " + LOOK_AT / 2 + " active=(\\S+)", Duration.ofSeconds(60));
        f1Supervisor.kill();
        ProcessHandle.of(f1Pid).ifPresent(ProcessHandle::destroyForcibly);
        long killedAt = System.nanoTime();
        // a while without any agent: the queue (200) overflows
        if (DOWN_FOR == null) {
          app.await("LOGGED " + LOOK_AT + " ", Duration.ofSeconds(60));
        } else {
          // the application logs at its pace: this event is logged DOWN_FOR after the kill
          long then = LOOK_AT / 2 + DOWN_FOR.toSeconds() * PER_SECOND;
          app.await("LOGGED " + then + " ", DOWN_FOR.plusSeconds(60));
        }

        ChildJvm f3Supervisor = f3.supervise(zk.getConnectString());
        children.add(f3Supervisor);
        f3.awaitListening();
        System.out.println(
            "appender "
                + overflow
                + " end to end: every agent down for "
                + Duration.ofNanos(System.nanoTime() - killedAt).toMillis()
                + " ms (from the SIGKILL until the new agent listens)");
        app.await("STATS .*", Duration.ofSeconds(180));
        f3Supervisor.output().stream()
            .filter(l -> l.contains("ZkRegistrar") || l.contains("Supervisor - "))
            .forEach(l -> System.out.println("f3 supervisor: " + l));
        app.output().stream()
            .filter(
                l ->
                    l.startsWith("STATS")
                        || l.startsWith("LONGCALL")
                        || l.contains("FlumeSentinel appender"))
            .forEach(l -> System.out.println("appender " + overflow + " end to end: " + l));
        String stats =
            app.output().stream().filter(l -> l.startsWith("STATS")).findFirst().orElseThrow();
        long dropped = Long.parseLong(stats.replaceAll(".*dropped=(\\d+).*", "$1"));
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .untilAsserted(
                () -> assertThat(f3.lines()).as("the new agent got events").isNotEmpty());

        // f1 back: it writes what its file channel held when it was killed
        children.add(f1.supervise(zk.getConnectString()));
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> union(f1, f3).size() == events - dropped);
        for (FlumeRollAgent agent : List.of(f1, f3)) {
          List<Long> seqs =
              new ArrayList<>(new LinkedHashSet<>(agent.lines().stream().map(Line::seq).toList()));
          assertThat(seqs).as(agent.id + "'s output is in sequence order").isSorted();
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> f1.droppedReported() + f3.droppedReported() == dropped);
        // every number handed out is an event that arrived, a drop report, or a drop
        Set<Long> arrived = union(f1, f3);
        arrived.addAll(f1.dropReports().keySet());
        arrived.addAll(f3.dropReports().keySet());
        long numbers = events + f1.dropReports().size() + f3.dropReports().size();
        long missing =
            LongStream.rangeClosed(1, numbers).filter(seq -> !arrived.contains(seq)).count();
        assertThat(missing).as("missing downstream = dropped").isEqualTo(dropped);
        System.out.println(
            "appender "
                + overflow
                + " end to end: "
                + (events - dropped)
                + " events in the outputs, "
                + missing
                + " missing, "
                + (f1.droppedReported() + f3.droppedReported())
                + " reported dropped in the outputs");
        return stats;
      } finally {
        for (ChildJvm child : children) {
          child.close();
        }
      }
    }
  }

  /**
   * The events the Log4j2 scenarios log: {@link #EVENTS}, or enough to outlast {@link #DOWN_FOR}.
   */
  private static int everyAgentDownEvents() {
    return DOWN_FOR == null
        ? EVENTS
        : (int) Math.max(EVENTS, PER_SECOND * (DOWN_FOR.toSeconds() + 30));
  }

  private static Duration downFor() {
    String value = System.getProperty("appender.e2e.downFor", "").trim();
    if (value.isEmpty()) {
      return null;
    }
    return Duration.parse("PT" + value.toUpperCase(java.util.Locale.ROOT));
  }

  private List<String> log4j2AppCommand(String connect, String overflow, long spoolCap, int events)
      throws IOException {
    return log4j2AppCommand(connect, overflow, spoolCap, events, 200);
  }

  /**
   * @param queueSize the appender's queue: small to spool soon, {@code 0} for the default
   */
  private List<String> log4j2AppCommand(
      String connect, String overflow, long spoolCap, int events, int queueSize)
      throws IOException {
    Path config = dir.resolve("log4j2-app.xml");
    Files.writeString(
        config,
        """
        <Configuration status="info">
          <Appenders>
            <FlumeSentinel name="FLUME" zookeeper="%s" group="logs" instanceId="app-2"
                           %s overflow="%s" spoolDir="%s" spoolMaxBytes="%d"
                           batchSize="100" backoffInitialMs="200" backoffMaxMs="2000"
                           shutdownTimeoutMs="60000">
              <PatternLayout pattern="%%msg"/>
            </FlumeSentinel>
          </Appenders>
          <Loggers><Root level="info"><AppenderRef ref="FLUME"/></Root></Loggers>
        </Configuration>
        """
            .formatted(
                connect,
                queueSize > 0 ? "queueSize=\"" + queueSize + "\"" : "",
                overflow,
                dir.resolve("spool"),
                spoolCap));
    String classPath =
        String.join(
            java.io.File.pathSeparator,
            System.getProperty("flumesentinel.appender.jar"),
            jarOf(org.apache.logging.log4j.LogManager.class),
            jarOf(org.apache.logging.log4j.core.LoggerContext.class),
            appClasses(NumberedEventsLog4j2App.class));
    List<String> command = DemoApp.jvm(dir.resolve("app-safepoints.log"));
    command.addAll(
        List.of(
            "-Dlog4j2.configurationFile=" + config,
            "-cp",
            classPath,
            NumberedEventsLog4j2App.class.getName(),
            Integer.toString(events),
            Integer.toString(PER_SECOND),
            "FLUME"));
    return command;
  }

  private List<String> appCommand(String connect) throws IOException {
    Path config = dir.resolve("logback-app.xml");
    Files.writeString(
        config,
        """
        <configuration>
          <statusListener class="ch.qos.logback.core.status.OnConsoleStatusListener"/>
          <appender name="FLUME" class="io.flumesentinel.appender.logback.FlumeLogbackAppender">
            <zookeeper>%s</zookeeper>
            <group>logs</group>
            <instanceId>app-1</instanceId>
            <batchSize>50</batchSize>
            <backoffInitialMs>200</backoffInitialMs>
            <encoder><pattern>%%msg</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="FLUME"/></root>
        </configuration>
        """
            .formatted(connect));
    String classPath =
        String.join(
            java.io.File.pathSeparator,
            System.getProperty("flumesentinel.appender.jar"),
            jarOf(ch.qos.logback.classic.Logger.class),
            jarOf(ch.qos.logback.core.Appender.class),
            jarOf(org.slf4j.Logger.class),
            appClasses(NumberedEventsApp.class));
    List<String> command = DemoApp.jvm(dir.resolve("app-safepoints.log"));
    command.addAll(
        List.of(
            "-Dlogback.configurationFile=" + config,
            "-cp",
            classPath,
            NumberedEventsApp.class.getName(),
            Integer.toString(EVENTS),
            Integer.toString(PER_SECOND),
            "FLUME"));
    return command;
  }

  /** A folder holding only the application's class, so nothing else of the tests is on its path. */
  private String appClasses(Class<?> main) throws IOException {
    return DemoApp.classes(dir.resolve("app-classes"), main);
  }

  private static String jarOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<Long> union(FlumeRollAgent... agents) throws IOException {
    Set<Long> seqs = new HashSet<>();
    for (FlumeRollAgent agent : agents) {
      agent.lines().forEach(l -> seqs.add(l.seq()));
    }
    return seqs;
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
