package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.appender.demo.BenchLoggingApp;
import io.flumesentinel.appender.demo.DemoApp;
import io.flumesentinel.testing.Agents;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.FlumeRollAgent;
import io.flumesentinel.testing.Zk;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log appender against the appenders teams use today, in the same run, against the same two
 * real Flume 1.11.0 agents (Avro source, file channel, file_roll) under the supervisor: this
 * product's appender through Logback (default settings: queue 10,000, {@code drop}; and the same
 * with {@code spool}; but for a stop that may send for 60 s, as the Flume appenders' stops may, so
 * that what the spool holds when the application ends is sent rather than kept for its next run),
 * Flume's {@code LoadBalancingLog4jAppender} (both agents in {@code Hosts}, its defaults: round
 * robin, no back-off, {@code UnsafeMode=false}) behind Log4j 1.2's {@code AsyncAppender} (its
 * defaults: buffer 128, {@code Blocking=true}), and Log4j2's {@code FlumeAppender} (type Avro, both
 * agents, its defaults but {@code compress="false"}, so the outputs can be read) behind Log4j2's
 * {@code Async} appender (its defaults: buffer 1024, blocking).
 *
 * <p>Each appender runs three phases, each a fresh application logging numbered events at a fixed
 * rate: every agent up; the active agent (for the Flume appenders, the first listed) SIGKILLed 40%
 * of the way (its supervisor restarts it); every agent down, with its supervisor, for {@code
 * -Dappender.e2e.downFor} (default 30 s) from 10% of the way, then started again. One line per
 * appender and phase, {@code BENCH | appender | phase | asked/s | achieved/s | p99 | longest |
 * calls returned | lost | duplicates | threw |}, then the table docs/appender.md shows. The events
 * lost are those of the calls that returned that are in no file_roll output once both agents are
 * back and their outputs no longer grow. An application whose logging call blocks for {@code
 * downFor} + 60 s is taken for hung: it reports the calls that returned and ends. Only the figures
 * are printed: the one assertion is that this product's appender lost nothing with every agent up
 * and after the SIGKILL.
 *
 * <p>{@code -Dappender.bench.contenders=sentinel-drop,flume-log4j1} runs only those (the keys are
 * {@code sentinel-drop}, {@code sentinel-spool}, {@code flume-log4j1}, {@code log4j2-flume}).
 *
 * <p>{@code mvn -B -Pappender-e2e verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=AppenderComparisonBenchIT -Dappender.e2e.events=20000 -Dappender.e2e.perSecond=2000}.
 */
@Tag("appender-e2e")
class AppenderComparisonBenchIT {

  private static final int EVENTS = Integer.getInteger("appender.e2e.events", 6000);
  private static final int PER_SECOND = Integer.getInteger("appender.e2e.perSecond", 1000);
  private static final Duration DOWN_FOR =
      Duration.parse(
          "PT"
              + System.getProperty("appender.e2e.downFor", "")
                  .trim()
                  .toUpperCase(java.util.Locale.ROOT)
                  .transform(v -> v.isEmpty() ? "30S" : v));

  /** How long outputs must stay the same before what is missing is counted as lost. */
  private static final Duration SETTLED = Duration.ofSeconds(10);

  /** A logging call blocked this long is a hang: the application reports and ends. */
  private static final Duration STALL = DOWN_FOR.plusSeconds(60);

  private static final Pattern EVENT = Pattern.compile("run=(\\S+) event (\\d+)");

  @TempDir Path dir;

  private final List<ChildJvm> children = new ArrayList<>();
  private final Map<String, ChildJvm> supervisors = new HashMap<>();
  private final Outputs outputs = new Outputs();

  private enum Phase {
    ALL_UP("all agents up"),
    ACTIVE_KILLED("active agent SIGKILLed at 40%"),
    ALL_DOWN("every agent down " + DOWN_FOR.toSeconds() + " s");

    final String text;

    Phase(String text) {
      this.text = text;
    }
  }

  /** One appender under test: its framework, its configuration file, its class path. */
  private record Contender(String name, String framework, String jmxName, String key) {}

  @Test
  void theAppendersSideBySide() throws Exception {
    Path lib = Path.of(System.getProperty("flume.lib", "target/flume-lib"));
    Path clients = Path.of(System.getProperty("flume.clients.lib", "target/flume-clients-lib"));
    assertThat(clients.resolve("flume-ng-log4jappender-1.11.0.jar")).exists();
    List<String> report = new ArrayList<>();
    try (TestingServer zk = Zk.server();
        CuratorFramework client = Zk.client(zk.getConnectString(), Duration.ofSeconds(10))) {
      try {
        FlumeRollAgent f1 = FlumeRollAgent.prepare(dir, lib, "f1");
        FlumeRollAgent f2 = FlumeRollAgent.prepare(dir, lib, "f2");
        List<FlumeRollAgent> agents = List.of(f1, f2);
        for (FlumeRollAgent agent : agents) {
          supervise(agent, zk.getConnectString());
        }
        for (FlumeRollAgent agent : agents) {
          Agents.awaitLive(client, agent.id, -1, Duration.ofSeconds(90));
          agent.awaitListening();
        }
        List<Contender> contenders =
            List.of(
                new Contender("flume-sentinel, Logback, drop", "slf4j", "FLUME", "sentinel-drop"),
                new Contender("flume-sentinel, Logback, spool", "slf4j", "FLUME", "sentinel-spool"),
                new Contender(
                    "Flume LoadBalancingLog4jAppender + AsyncAppender (Log4j 1.2)",
                    "log4j1",
                    "-",
                    "flume-log4j1"),
                new Contender(
                    "Log4j2 FlumeAppender (Avro) + Async", "log4j2", "-", "log4j2-flume"));
        String only = System.getProperty("appender.bench.contenders", "").trim();
        for (Contender contender : contenders) {
          if (!only.isEmpty() && !List.of(only.split(",")).contains(contender.key())) {
            continue;
          }
          for (Phase phase : Phase.values()) {
            String line = run(contender, phase, zk.getConnectString(), client, agents, clients);
            System.out.println(line);
            report.add(line);
          }
        }
      } finally {
        for (ChildJvm child : children) {
          child.close();
        }
      }
    }
    System.out.println(
        "BENCH | appender | phase | asked/s | achieved/s | p99 call | longest call"
            + " | calls returned | lost of them | duplicates | calls that threw |");
    report.forEach(System.out::println);
    for (String line : report) {
      if (line.contains("flume-sentinel") && !line.contains(Phase.ALL_DOWN.text)) {
        assertThat(line).as("nothing lost").contains("| lost 0 |");
      }
    }
  }

  private String run(
      Contender contender,
      Phase phase,
      String connect,
      CuratorFramework client,
      List<FlumeRollAgent> agents,
      Path clients)
      throws Exception {
    String run = contender.key() + "-" + phase.name().toLowerCase(java.util.Locale.ROOT);
    int events =
        phase == Phase.ALL_DOWN
            ? (int) Math.max(EVENTS, PER_SECOND * (DOWN_FOR.toSeconds() + 20))
            : EVENTS;
    ChildJvm app = ChildJvm.start(appCommand(contender, run, events, connect, agents, clients));
    children.add(app);
    switch (phase) {
      case ALL_UP -> {}
      case ACTIVE_KILLED -> {
        int at = events * 2 / 5 / 100 * 100;
        String active =
            app.await("LOGGED " + at + "(.*)", budget(events).plus(STALL).plusSeconds(30));
        FlumeRollAgent killed =
            agents.stream()
                .filter(a -> active.contains(a.endpoint()))
                .findFirst()
                .orElse(agents.get(0));
        ProcessHandle.of(Agents.live(client, killed.id).pid()).orElseThrow().destroyForcibly();
      }
      case ALL_DOWN -> {
        app.await(
            "LOGGED " + events / 10 / 100 * 100 + "\\b",
            budget(events).plus(STALL).plusSeconds(30));
        long downAt = System.nanoTime();
        for (FlumeRollAgent agent : agents) {
          long pid = Agents.live(client, agent.id).pid();
          supervisors.get(agent.id).kill();
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        // the outage lasts its time, whatever the application does meanwhile
        await()
            .atMost(DOWN_FOR.plusSeconds(10))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> System.nanoTime() - downAt >= DOWN_FOR.toNanos());
        for (FlumeRollAgent agent : agents) {
          supervise(agent, connect);
        }
      }
    }
    String stats =
        app.await("(STATS .*)", Duration.ofSeconds(events / PER_SECOND + 240).plus(STALL));
    app.output().stream()
        .filter(l -> l.startsWith("LONGCALL"))
        .forEach(l -> System.out.println("bench " + run + ": " + l));
    System.out.println("bench " + run + ": " + stats);
    for (FlumeRollAgent agent : agents) {
      agent.awaitListening();
    }
    int logged = Integer.parseInt(figure(stats, "logged"));
    int[] delivered = settle(run, logged, agents);
    boolean hung = stats.contains("hung=true");
    boolean early = stats.contains("stoppedEarly=true");
    return "BENCH | "
        + contender.name()
        + " | "
        + phase.text
        + " | "
        + PER_SECOND
        + " | "
        + figure(stats, "achievedPerSecond")
        + " | "
        + figure(stats, "p99CallMicros")
        + " µs | "
        + (hung
            ? "hung: a call still blocked after " + figure(stats, "stuckCallMicros") + " µs"
            : figure(stats, "longestCallMicros")
                + " µs (JVM pauses "
                + figure(stats, "longestCallInSafepointMicros")
                + ", waiting for a CPU "
                + figure(stats, "longestCallWaitingForCpuMicros")
                + ")")
        + " | "
        + logged
        + (hung ? " of " + events + " (hung)" : early ? " of " + events + " (time up)" : "")
        + " | lost "
        + (logged - delivered[0])
        + " | "
        + delivered[1]
        + " | "
        + figure(stats, "threw")
        + " |";
  }

  /**
   * Waits until every event of {@code run} the application logged is in an output, or the outputs
   * stopped growing for {@link #SETTLED}; returns the distinct events delivered and the duplicates.
   */
  private int[] settle(String run, int events, List<FlumeRollAgent> agents) {
    long[] lastChange = {System.nanoTime()};
    int[] last = {-1};
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              outputs.read(agents);
              int now = outputs.distinct(run);
              if (now != last[0]) {
                last[0] = now;
                lastChange[0] = System.nanoTime();
              }
              return now == events || System.nanoTime() - lastChange[0] >= SETTLED.toNanos();
            });
    return new int[] {outputs.distinct(run), outputs.duplicates(run)};
  }

  /**
   * How long an application may log: twice its schedule and 30 s; one whose appender holds it back
   * more stops there, having logged part of its events.
   */
  private static Duration budget(int events) {
    return Duration.ofSeconds(2L * events / PER_SECOND + 30);
  }

  private static String figure(String stats, String name) {
    Matcher m = Pattern.compile("\\b" + name + "=(-?\\d+)").matcher(stats);
    return m.find() ? m.group(1) : "?";
  }

  private void supervise(FlumeRollAgent agent, String connect) throws IOException {
    ChildJvm supervisor = agent.supervise(connect);
    children.add(supervisor);
    supervisors.put(agent.id, supervisor);
  }

  private List<String> appCommand(
      Contender contender,
      String run,
      int events,
      String connect,
      List<FlumeRollAgent> agents,
      Path clients)
      throws IOException {
    Path config;
    String classPath;
    String configProperty;
    String appClasses = DemoApp.benchClasses(dir.resolve("bench-classes"));
    switch (contender.framework()) {
      case "slf4j" -> {
        config = dir.resolve(run + "-logback.xml");
        Files.writeString(
            config,
            """
            <configuration>
              <appender name="FLUME" class="io.flumesentinel.appender.logback.FlumeLogbackAppender">
                <zookeeper>%s</zookeeper>
                <group>logs</group>
                <instanceId>%s</instanceId>
                <shutdownTimeoutMs>60000</shutdownTimeoutMs>
                %s
                <encoder><pattern>%%msg</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="FLUME"/></root>
            </configuration>
            """
                .formatted(
                    connect,
                    run,
                    contender.key().endsWith("spool")
                        ? "<overflow>spool</overflow><spoolDir>"
                            + dir.resolve("spool-" + run)
                            + "</spoolDir>"
                        : ""));
        configProperty = "-Dlogback.configurationFile=" + config;
        classPath =
            String.join(
                File.pathSeparator,
                System.getProperty("flumesentinel.appender.jar"),
                jarOf(ch.qos.logback.classic.Logger.class),
                jarOf(ch.qos.logback.core.Appender.class),
                jarOf(org.slf4j.Logger.class),
                appClasses);
      }
      case "log4j1" -> {
        config = dir.resolve(run + "-log4j.xml");
        StringBuilder hosts = new StringBuilder();
        for (FlumeRollAgent agent : agents) {
          hosts.append(hosts.length() == 0 ? "" : " ").append(agent.endpoint());
        }
        Files.writeString(
            config,
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE log4j:configuration SYSTEM "log4j.dtd">
            <log4j:configuration xmlns:log4j="http://jakarta.apache.org/log4j/">
              <appender name="flume"
                        class="org.apache.flume.clients.log4jappender.LoadBalancingLog4jAppender">
                <param name="Hosts" value="%s"/>
                <layout class="org.apache.log4j.PatternLayout">
                  <param name="ConversionPattern" value="%%m"/>
                </layout>
              </appender>
              <appender name="async" class="org.apache.log4j.AsyncAppender">
                <appender-ref ref="flume"/>
              </appender>
              <root><priority value="info"/><appender-ref ref="async"/></root>
            </log4j:configuration>
            """
                .formatted(hosts));
        configProperty = "-Dlog4j.configuration=" + config.toUri();
        classPath = clients + File.separator + "*" + File.pathSeparator + appClasses;
      }
      default -> {
        config = dir.resolve(run + "-log4j2.xml");
        StringBuilder hosts = new StringBuilder();
        for (FlumeRollAgent agent : agents) {
          hosts.append("<Agent host=\"127.0.0.1\" port=\"").append(agent.port).append("\"/>");
        }
        Files.writeString(
            config,
            """
            <Configuration status="warn">
              <Appenders>
                <Flume name="flume" type="Avro" compress="false">
                  %s
                  <PatternLayout pattern="%%m"/>
                </Flume>
                <Async name="async"><AppenderRef ref="flume"/></Async>
              </Appenders>
              <Loggers><Root level="info"><AppenderRef ref="async"/></Root></Loggers>
            </Configuration>
            """
                .formatted(hosts));
        configProperty = "-Dlog4j2.configurationFile=" + config;
        classPath = clients + File.separator + "*" + File.pathSeparator + appClasses;
      }
    }
    List<String> command = DemoApp.jvm(dir.resolve(run + "-safepoints.log"));
    command.addAll(
        List.of(
            configProperty,
            "-cp",
            classPath,
            BenchLoggingApp.class.getName(),
            contender.framework(),
            Integer.toString(events),
            Integer.toString(PER_SECOND),
            run,
            contender.jmxName(),
            Long.toString(STALL.toSeconds()),
            Long.toString(budget(events).toSeconds())));
    return command;
  }

  private static String jarOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The agents' file_roll outputs read as they grow (each file from where the last read stopped,
   * whole lines only): for each run, the event numbers seen and how many lines carried them.
   */
  private static final class Outputs {
    private final Map<Path, Long> read = new HashMap<>();
    private final Map<String, Set<Integer>> seen = new HashMap<>();
    private final Map<String, Integer> lines = new HashMap<>();

    void read(List<FlumeRollAgent> agents) throws IOException {
      for (FlumeRollAgent agent : agents) {
        List<Path> files;
        try (Stream<Path> listing = Files.list(agent.roll)) {
          files = listing.toList();
        }
        for (Path file : files) {
          readNew(file);
        }
      }
    }

    private void readNew(Path file) throws IOException {
      long from = read.getOrDefault(file, 0L);
      try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
        long length = in.length();
        if (length <= from) {
          return;
        }
        byte[] bytes = new byte[(int) (length - from)];
        in.seek(from);
        in.readFully(bytes);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
          end--;
        }
        read.put(file, from + end);
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
          Matcher m = EVENT.matcher(line);
          if (m.find()) {
            seen.computeIfAbsent(m.group(1), r -> new HashSet<>()).add(Integer.valueOf(m.group(2)));
            lines.merge(m.group(1), 1, Integer::sum);
          }
        }
      }
    }

    int distinct(String run) {
      return seen.getOrDefault(run, Set.of()).size();
    }

    int duplicates(String run) {
      return lines.getOrDefault(run, 0) - distinct(run);
    }
  }
}
