package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Agents;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.MonitorJar;
import io.flumesentinel.testing.MonitoredZooKeeper;
import io.flumesentinel.testing.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar's {@code supervise} command as an operator runs it, supervising real processes,
 * watched by the fat jar's monitor which alerts a real webhook receiver.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SuperviseJarIT {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);

  @TempDir static Path dir;
  private static MonitoredZooKeeper setting;
  private static CuratorFramework client;
  private static WebhookReceiver receiver;
  private static final List<ChildJvm> supervisors = new ArrayList<>();
  private static final List<Long> agentPids = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    setting = MonitoredZooKeeper.start(dir);
    client = setting.client();
    receiver = setting.receiver();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      for (ChildJvm supervisor : supervisors) {
        supervisor.close();
      }
      if (setting != null) {
        setting.monitor().stop(Duration.ofSeconds(15));
      }
    } finally {
      for (long pid : agentPids) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      if (setting != null) {
        setting.close();
      }
    }
  }

  @Test
  void oneYamlFileSupervisesSeveralAgentsAndStopsThemAllWithoutAlert() throws Exception {
    Path config = dir.resolve("supervisor.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "zookeeper: { connect: \"" + setting.connect() + "\", sessionTimeoutMs: 4000 }",
            "defaults: { group: e2e, restartDelayMs: 200, stopTimeoutMs: "
                + STOP_TIMEOUT.toMillis()
                + " }",
            "agents:",
            "  - { id: yaml-1, command: [ sleep, \"600\" ] }",
            "  - { id: yaml-2, labels: { dc: west }, command: [ sleep, \"600\" ] }",
            ""));
    ChildJvm supervisor =
        ChildJvm.start(MonitorJar.command(96, "supervise", "--config", config.toString()));
    supervisors.add(supervisor);
    LiveNode first = awaitLive("yaml-1", -1, Duration.ofSeconds(30));
    LiveNode second = awaitLive("yaml-2", -1, Duration.ofSeconds(30));

    // each agent is supervised on its own: a crash of one restarts it alone, with its own alert
    ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.alertsFor("yaml-1").isEmpty());
    assertThat(
            receiver
                .alertsFor("yaml-1")
                .get(0)
                .alert()
                .getJsonObject("annotations")
                .getString("signal"))
        .isEqualTo("KILL");
    LiveNode restarted = awaitLive("yaml-1", first.pid(), Duration.ofSeconds(10));
    assertThat(alive(second.pid())).isTrue();

    int exit = supervisor.stop(STOP_TIMEOUT.plusSeconds(5));
    assertThat(exit).isIn(0, 143);
    assertThat(alive(restarted.pid())).isFalse();
    assertThat(alive(second.pid())).isFalse();
    for (String id : List.of("yaml-1", "yaml-2")) {
      assertThat(client.checkExists().forPath(LAYOUT.agent(id))).isNull();
      assertThat(client.checkExists().forPath(LAYOUT.live(id))).isNull();
    }
    Agents.crashMarker(client, "marker-yaml");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !receiver.alertsFor("marker-yaml").isEmpty());
    assertThat(receiver.alertsFor("yaml-2")).isEmpty();
    assertThat(receiver.alertsFor("yaml-1")).extracting(r -> r.status()).doesNotHaveDuplicates();
  }

  static ChildJvm supervise(String agent, String... command) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--zk",
                setting.connect(),
                "--agent",
                agent,
                "--group",
                "e2e",
                "--label",
                "dc=east",
                "--restart-delay-ms",
                "200",
                "--stop-timeout-ms",
                Long.toString(STOP_TIMEOUT.toMillis()),
                "--zk-session-timeout-ms",
                "4000",
                "--"));
    args.addAll(List.of(command));
    ChildJvm supervisor = ChildJvm.start(MonitorJar.supervise(args));
    supervisors.add(supervisor);
    return supervisor;
  }

  static LiveNode awaitLive(String id, long notPid, Duration atMost) {
    LiveNode found = Agents.awaitLive(client, id, notPid, atMost);
    agentPids.add(found.pid());
    return found;
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  @Order(1)
  void killedAgentAlertsCrashedWithSignalKillWithinOneSecondThenResolvesAfterTheRestart()
      throws Exception {
    supervise("sv-kill", "sleep", "600");
    LiveNode first = awaitLive("sv-kill", -1, Duration.ofSeconds(30));
    // the monitor has seen the live node once the startTimeout alert could not fire: give its
    // watch a moment
    await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> true);

    long killedAt = System.nanoTime();
    ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> !receiver.alertsFor("sv-kill").isEmpty());
    WebhookReceiver.Received alert = receiver.alertsFor("sv-kill").get(0);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(alert.arrivedNanos() - killedAt);
    System.out.println("SIGKILL of the supervised process to firing webhook: " + elapsedMs + " ms");
    assertThat(alert.status()).isEqualTo("firing");
    assertThat(alert.annotation("reason")).isEqualTo("CRASHED");
    assertThat(alert.annotation("signal")).isEqualTo("KILL");
    assertThat(alert.alert().getJsonObject("labels").getString("dc")).isEqualTo("east");
    assertThat(elapsedMs).isLessThan(1000);

    LiveNode second = awaitLive("sv-kill", first.pid(), Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.alertsFor("sv-kill").size() >= 2);
    WebhookReceiver.Received resolved = receiver.alertsFor("sv-kill").get(1);
    long resolvedMs = TimeUnit.NANOSECONDS.toMillis(resolved.arrivedNanos() - killedAt);
    System.out.println("SIGKILL to resolved webhook after the restart: " + resolvedMs + " ms");
    assertThat(resolved.status()).isEqualTo("resolved");
    assertThat(resolved.annotation("resolution")).isEqualTo("RECOVERED");
    assertThat(second.crashCount()).isEqualTo(1);
  }

  @Test
  @Order(2)
  void sigtermToTheSupervisorStopsTheAgentAndDeregistersItWithoutAlert() throws Exception {
    ChildJvm supervisor = supervise("sv-term", "sleep", "600");
    LiveNode live = awaitLive("sv-term", -1, Duration.ofSeconds(30));

    long before = System.nanoTime();
    int exit = supervisor.stop(STOP_TIMEOUT.plusSeconds(5));
    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
    System.out.println(
        "SIGTERM to the supervisor until it exited: " + stopMs + " ms (exit " + exit + ")");

    assertThat(stopMs).isLessThan(STOP_TIMEOUT.plusSeconds(5).toMillis());
    assertThat(exit).isIn(0, 143);
    assertThat(alive(live.pid())).isFalse();
    assertThat(client.checkExists().forPath(LAYOUT.agent("sv-term"))).isNull();
    assertThat(client.checkExists().forPath(LAYOUT.live("sv-term"))).isNull();
    assertThat(supervisor.output()).anyMatch(line -> line.contains("sv-term: deregistered"));

    // an abnormal exit after the stop: once its alert is in, the stop would have been alerted too
    Agents.crashMarker(client, "marker");
    await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.alertsFor("marker").isEmpty());
    assertThat(receiver.alertsFor("sv-term")).isEmpty();
  }

  @Test
  @Order(3)
  void sigkillToTheSupervisorTakesTheAgentWithIt() throws Exception {
    ChildJvm supervisor = supervise("sv-orphan", "sleep", "600");
    LiveNode live = awaitLive("sv-orphan", -1, Duration.ofSeconds(30));
    assertThat(supervisor.output()).anyMatch(line -> line.contains("setpriv --pdeathsig KILL"));
    assertThat(ProcessHandle.of(live.pid()).orElseThrow().parent().map(ProcessHandle::pid))
        .contains(supervisor.process().pid());

    long before = System.nanoTime();
    supervisor.kill();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !alive(live.pid()));
    System.out.println(
        "SIGKILL of the supervisor to its agent gone: "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)
            + " ms");
  }
}
