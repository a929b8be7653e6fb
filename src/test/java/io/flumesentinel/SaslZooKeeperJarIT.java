package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.MonitorJar;
import io.flumesentinel.testing.SecureZooKeeper;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.auth.SASLAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar against a ZooKeeper in its own JVM that requires SASL and enforces it: the monitor,
 * {@code supervise}, {@code silence} and {@code deregister} with their identities from the files an
 * operator writes, a crash at a real webhook receiver, and a command without credentials refused
 * with one line.
 */
@Tag("extended")
class SaslZooKeeperJarIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ACL =
      "acl: { monitors: [ 'sasl:monitor' ], agents: [ 'sasl:agent' ], operators: [ 'sasl:operator' ] }";

  @TempDir static Path dir;
  private static Path jaas;
  private static ZooKeeperProcess zooKeeper;
  private static WebhookReceiver receiver;
  private static MonitorJar monitor;
  private static final List<ChildJvm> processes = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    jaas = Files.writeString(dir.resolve("jaas.conf"), SecureZooKeeper.jaas());
    zooKeeper =
        ZooKeeperProcess.start(
            0,
            List.of(
                "-Djava.security.auth.login.config=" + jaas,
                "-Dzookeeper.authProvider.1=" + SASLAuthenticationProvider.class.getName(),
                "-Dzookeeper.enforce.auth.enabled=true",
                "-Dzookeeper.enforce.auth.schemes=sasl"));
    receiver = WebhookReceiver.start();
    monitor =
        MonitorJar.launch(
            dir,
            zooKeeper.connectString(),
            receiver,
            List.of(
                "  auth: { sasl: { loginContext: Monitor, jaasFile: \"" + jaas + "\" } }",
                "  " + ACL),
            List.of());
    monitor.awaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    for (ChildJvm process : processes) {
      process.close();
    }
    if (monitor != null) {
      monitor.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (zooKeeper != null) {
      zooKeeper.close();
    }
  }

  @Test
  void everyCommandOfTheJarWorksWithItsIdentityAndACrashIsAlerted() throws Exception {
    assertThat(monitor.output()).noneMatch(line -> line.contains("No zookeeper.acl configured"));

    ChildJvm supervisor =
        start(
            MonitorJar.supervise(
                List.of(
                    "--zk",
                    zooKeeper.connectString(),
                    "--zk-auth",
                    accessFile("Agent").toString(),
                    "--agent",
                    "jar-1",
                    "--restart",
                    "no",
                    "--",
                    "sleep",
                    "600")));
    long pid = Long.parseLong(supervisor.await("jar-1: live \\(pid (\\d+)\\)", WAIT));
    // The monitor's watch sees the registration and the live node within moments; killed before
    // that, the agent's first sight would already carry the crash, not a crash of a run it saw.
    await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    receiver.firing("jar-1").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(receiver.alertsFor("jar-1").get(0).annotation("reason")).isEqualTo("CRASHED");
    assertThat(supervisor.awaitExit(WAIT)).isEqualTo(1);

    ChildJvm silence =
        start(
            MonitorJar.command(
                96,
                "silence",
                "add",
                "group=web",
                "--comment",
                "maintenance",
                "--zk",
                zooKeeper.connectString(),
                "--zk-auth",
                accessFile("Operator").toString()));
    assertThat(silence.awaitExit(WAIT)).as("%s", silence.output()).isZero();

    ChildJvm deregister =
        start(
            MonitorJar.command(
                96,
                "deregister",
                "--zk",
                zooKeeper.connectString(),
                "--agent",
                "jar-1",
                "--zk-auth",
                accessFile("Operator").toString()));
    assertThat(deregister.awaitExit(WAIT)).as("%s", deregister.output()).isZero();
    assertThat(deregister.output())
        .contains("flume-sentinel: agent jar-1 deregistered from /flume-sentinel");

    ChildJvm anonymous =
        start(
            MonitorJar.command(
                96,
                "silence",
                "add",
                "group=ingest",
                "--comment",
                "forged",
                "--zk",
                zooKeeper.connectString()));
    assertThat(anonymous.awaitExit(WAIT)).isEqualTo(1);
    // The server answers the first request by closing the session; the client sees either the
    // refusal or the closed connection first, and says so in one line either way.
    assertThat(anonymous.output())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .satisfiesAnyOf(
                        refused ->
                            assertThat(refused)
                                .isEqualTo(
                                    "flume-sentinel: ZooKeeper refused this command's login"
                                        + " (SESSIONCLOSEDREQUIRESASLAUTH): check the credentials"
                                        + " --zk-auth names (see docs/security.md)"),
                        lost ->
                            assertThat(lost)
                                .startsWith(
                                    "flume-sentinel: cannot reach ZooKeeper at "
                                        + zooKeeper.connectString())
                                .endsWith(
                                    "; if the ensemble requires authentication, give --zk-auth"
                                        + " (see docs/security.md)")));
  }

  private static ChildJvm start(List<String> command) throws Exception {
    ChildJvm process = ChildJvm.start(command);
    processes.add(process);
    return process;
  }

  private static Path accessFile(String section) throws Exception {
    return Files.writeString(
        dir.resolve(section + ".yaml"),
        "auth: { sasl: { loginContext: "
            + section
            + ", jaasFile: \""
            + jaas
            + "\" } }\n"
            + ACL
            + "\n");
  }
}
