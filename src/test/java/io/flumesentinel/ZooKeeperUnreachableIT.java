package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.MonitorJar;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.ZooKeeperProcess;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar when ZooKeeper cannot be reached, as an operator meets it: the monitor runs, says
 * which ZooKeeper it waits for and alerts on it, then works once ZooKeeper is there; the one-shot
 * commands end promptly with one line; the supervisor logs the outage, not stack traces.
 */
@Tag("extended")
class ZooKeeperUnreachableIT {

  private static final String LOSS = "FlumeSentinelZooKeeperLost";

  /** A line of a stack trace, as Logback prints one after the message. */
  private static final Pattern STACK_TRACE =
      Pattern.compile(
          "^\\s+at |^\\s*Caused by: |^\\s*\\.\\.\\. \\d+ more|^[\\w.$]+(Exception|Error)\\b");

  @TempDir Path dir;

  @Test
  void aMonitorStartedBeforeZooKeeperRunsAlertsAndIsReadyOnceZooKeeperIsThere() throws Exception {
    int port = Http.freePort();
    String connect = "127.0.0.1:" + port;
    try (WebhookReceiver receiver = WebhookReceiver.start();
        MonitorJar monitor =
            MonitorJar.launch(
                dir,
                connect,
                receiver,
                List.of("  sessionTimeout: 2s", "  connectionTimeout: 1s"),
                List.of())) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> monitor.get("/health/live") == 200);
      assertThat(monitor.get("/health/ready")).isEqualTo(503);
      assertThat(new JsonObject(monitor.body("/health/ready")).getJsonArray("waitingFor"))
          .contains("ZooKeeper connection to " + connect);

      await().atMost(Duration.ofSeconds(30)).until(() -> !loss(receiver, "firing").isEmpty());
      JsonObject firing = loss(receiver, "firing").get(0).alert();
      assertThat(firing.getJsonObject("labels").getString("severity")).isEqualTo("critical");
      assertThat(firing.getJsonObject("annotations").getString("summary"))
          .contains("cannot reach ZooKeeper", connect);
      assertThat(monitor.get("/health/live")).isEqualTo(200);

      try (ZooKeeperProcess zooKeeper = ZooKeeperProcess.start(port)) {
        monitor.awaitReady();
        await().atMost(Duration.ofSeconds(30)).until(() -> !loss(receiver, "resolved").isEmpty());
        assertThat(loss(receiver, "resolved").get(0).annotation("resolution"))
            .isEqualTo("CONNECTED");
        assertThat(loss(receiver, "firing")).hasSize(1);
        assertThat(new JsonObject(monitor.body("/status")).getLong("logLinesDropped")).isZero();

        assertThat(monitor.stop(Duration.ofSeconds(15))).isIn(0, 143);
      }
      List<String> output = monitor.output();
      assertThat(output).as("monitor log").noneMatch(line -> STACK_TRACE.matcher(line).find());
      assertThat(output).as("monitor log").noneMatch(line -> line.contains("has been blocked"));
      assertThat(output)
          .as("monitor log")
          .anyMatch(line -> line.contains("cannot be reached") && line.contains(connect))
          .anyMatch(line -> line.contains("Stopping the monitor"))
          // the last line, written by the shutdown's flush of the log queue
          .anyMatch(line -> line.contains("Monitor stopped"));
    }
  }

  @Test
  void oneShotCommandsEndWithOneLineNamingTheEnsembleAndNothingOnStdout() throws Exception {
    String connect = "127.0.0.1:" + Http.freePort();
    List<List<String>> commands =
        List.of(
            List.of("silence", "list", "--zk", connect),
            List.of("silence", "add", "--zk", connect, "-c", "maintenance", "group=ingest"),
            List.of("deregister", "--zk", connect, "--agent", "a1"));
    for (List<String> args : commands) {
      Path stdout = dir.resolve("stdout");
      Path stderr = dir.resolve("stderr");
      long started = System.nanoTime();
      Process process =
          new ProcessBuilder(MonitorJar.command(96, args.toArray(String[]::new)))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", args).isTrue();
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      System.out.println(args + ": gave up after " + elapsedMs + " ms");

      assertThat(process.exitValue()).as("%s exit code", args).isEqualTo(1);
      assertThat(Files.readString(stdout, StandardCharsets.UTF_8)).as("%s stdout", args).isEmpty();
      assertThat(Files.readAllLines(stderr, StandardCharsets.UTF_8))
          .as("%s stderr", args)
          .singleElement()
          .asString()
          .startsWith("flume-sentinel: cannot reach ZooKeeper at " + connect);
      // The connection timeout (5 s) and a JVM's start on a busy machine.
      assertThat(elapsedMs).as("%s duration", args).isLessThan(15_000);
    }
  }

  @Test
  void aSupervisorLogsAZooKeeperOutageOncePerChangeOfTheConnection() throws Exception {
    int port = Http.freePort();
    String connect = "127.0.0.1:" + port;
    ZooKeeperProcess zooKeeper = ZooKeeperProcess.start(port);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--zk",
                connect,
                "--agent",
                "away-1",
                "--zk-session-timeout-ms",
                "4000",
                "--zk-connection-timeout-ms",
                "2000",
                "--",
                "sleep",
                "600"));
    try (ChildJvm supervisor = ChildJvm.start(MonitorJar.supervise(args))) {
      supervisor.await("away-1: live \\(pid", Duration.ofSeconds(30));

      zooKeeper.close();
      zooKeeper = null;
      int before = supervisor.output().size();
      // Away for 10 s: the suspension and the session's loss, no line per attempt to reconnect.
      await()
          .during(Duration.ofSeconds(10))
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(supervisor.output().subList(before, supervisor.output().size()))
                      .hasSizeLessThanOrEqualTo(3));
      List<String> whileAway = supervisor.output().subList(before, supervisor.output().size());
      System.out.println("Logged while ZooKeeper was away:\n" + String.join("\n", whileAway));
      assertThat(whileAway).anyMatch(line -> line.contains("ZooKeeper connection lost"));

      zooKeeper = ZooKeeperProcess.start(port);
      // A new server knows nothing of the agent: the supervisor registers it again.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  supervisor.output().stream()
                          .filter(line -> line.contains("registered at"))
                          .count()
                      == 2);

      assertThat(supervisor.stop(Duration.ofSeconds(15))).isIn(0, 143);
      assertThat(supervisor.output())
          .as("supervisor log")
          .noneMatch(line -> STACK_TRACE.matcher(line).find());
    } finally {
      if (zooKeeper != null) {
        zooKeeper.close();
      }
    }
  }

  private static List<WebhookReceiver.Received> loss(WebhookReceiver receiver, String status) {
    return receiver.alerts().stream()
        .filter(
            a ->
                LOSS.equals(a.alert().getJsonObject("labels").getString("alertname"))
                    && a.status().equals(status))
        .toList();
  }
}
