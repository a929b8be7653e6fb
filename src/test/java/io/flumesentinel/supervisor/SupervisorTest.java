package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Zk;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The supervisor in-process against a real ZooKeeper server, supervising real processes. */
class SupervisorTest {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();
  private static TestingServer server;
  private static CuratorFramework client;
  private final List<Supervisor> supervisors = new ArrayList<>();
  private final List<Long> pids = new ArrayList<>();

  @BeforeAll
  static void startZooKeeper() throws Exception {
    server = Zk.server();
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void stopSupervisors() throws Exception {
    for (Supervisor supervisor : supervisors) {
      supervisor.stop();
      supervisor.exitStatus().get(30, TimeUnit.SECONDS);
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private SupervisorConfig config(
      String id, RestartPolicy.Settings restart, Duration stopTimeout, String... command) {
    return new SupervisorConfig(
        server.getConnectString(),
        LAYOUT,
        id,
        "host-t",
        "tests",
        Map.of("dc", "east"),
        "1.0",
        List.of(command),
        restart,
        stopTimeout,
        Duration.ofSeconds(10),
        Duration.ofSeconds(3),
        Supervisor.setprivAvailable(),
        null);
  }

  private static RestartPolicy.Settings quickRestarts(int startLimit) {
    return new RestartPolicy.Settings(
        RestartPolicy.Mode.ON_FAILURE,
        Duration.ofMillis(100),
        2.0,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        startLimit,
        Duration.ofMinutes(1));
  }

  private Supervisor start(SupervisorConfig config) {
    Supervisor supervisor = Supervisor.start(config, Clock.systemUTC());
    supervisors.add(supervisor);
    return supervisor;
  }

  private static AgentNode agent(String id) throws Exception {
    return client.checkExists().forPath(LAYOUT.agent(id)) == null
        ? null
        : AgentNode.parse(client.getData().forPath(LAYOUT.agent(id)));
  }

  private static LiveNode live(String id) throws Exception {
    try {
      return LiveNode.parse(client.getData().forPath(LAYOUT.live(id)));
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      return null;
    }
  }

  private LiveNode awaitLive(String id) {
    LiveNode[] found = new LiveNode[1];
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> (found[0] = live(id)) != null);
    pids.add(found[0].pid());
    return found[0];
  }

  @Test
  void killedProcessIsRecordedBeforeItsLiveNodeGoesThenRestarted() throws Exception {
    start(config("s-kill", quickRestarts(5), Duration.ofSeconds(5), "sleep", "600"));
    LiveNode first = awaitLive("s-kill");
    assertThat(first.crashCount()).isZero();
    assertThat(first.version()).isEqualTo("1.0");
    assertThat(agent("s-kill").labels()).containsEntry("dc", "east");

    // What a monitor does: when the live node is gone, read the agent node.
    List<AgentNode> seenAtRemoval = new CopyOnWriteArrayList<>();
    client
        .checkExists()
        .usingWatcher(
            (Watcher)
                event -> {
                  if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
                    try {
                      client
                          .getData()
                          .inBackground((c, e) -> seenAtRemoval.add(AgentNode.parse(e.getData())))
                          .forPath(LAYOUT.agent("s-kill"));
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }
                })
        .forPath(LAYOUT.live("s-kill"));

    ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();

    await().atMost(Duration.ofSeconds(10)).until(() -> !seenAtRemoval.isEmpty());
    AgentNode crashed = seenAtRemoval.get(0);
    assertThat(crashed.crashCount()).isEqualTo(1);
    assertThat(crashed.lastExit().signal()).isEqualTo("KILL");
    assertThat(crashed.lastExit().code()).isNull();
    assertThat(crashed.lastExit().at()).isNotNull();
    // Written with the crash, before the live node went: the run and what follows.
    assertThat(crashed.lastExit().pid()).isEqualTo(first.pid());
    assertThat(crashed.lastExit().ranFor()).isNotNull();
    assertThat(crashed.lastExit().restartIn()).isEqualTo(Duration.ofMillis(100));
    assertThat(crashed.lastExit().gaveUp()).isNull();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> live("s-kill") != null && live("s-kill").pid() != first.pid());
    LiveNode second = live("s-kill");
    pids.add(second.pid());
    assertThat(second.crashCount()).isEqualTo(1);
    assertThat(ProcessHandle.of(second.pid())).isPresent();
  }

  @Test
  void agentRunsInASessionOfItsOwnSoATerminalCtrlCReachesOnlyTheSupervisor() throws Exception {
    Supervisor supervisor =
        start(config("s-session", quickRestarts(5), Duration.ofSeconds(5), "sleep", "600"));
    LiveNode live = awaitLive("s-session");
    // the live node's pid is the agent itself (setsid and setpriv exec without forking); the live
    // node is written once the process starts, so the pid may still be on its way through the
    // launchers when it is read
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ProcessHandle.of(live.pid())
                    .flatMap(h -> h.info().command())
                    .orElse("")
                    .endsWith("sleep"));
    assertThat(processGroup(live.pid())).isNotEqualTo(processGroup(ProcessHandle.current().pid()));
    supervisor.stop();
    assertThat(supervisor.exitStatus().get(10, TimeUnit.SECONDS)).isZero();
  }

  /**
   * Whether SIGTERM (15) is in the process's ignored signals, {@code SigIgn} of /proc/PID/status.
   */
  private static boolean ignoresSigterm(long pid) throws java.io.IOException {
    for (String line :
        java.nio.file.Files.readAllLines(
            java.nio.file.Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 14)) != 0;
      }
    }
    return false;
  }

  /** Field 5 of /proc/PID/stat (after the parenthesised command name). */
  private static long processGroup(long pid) throws java.io.IOException {
    String stat =
        java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[2]);
  }

  @Test
  void deliberateStopEndsTheProcessAndRemovesBothNodesInOneGo() throws Exception {
    Supervisor supervisor =
        start(config("s-stop", quickRestarts(5), Duration.ofSeconds(5), "sleep", "600"));
    LiveNode live = awaitLive("s-stop");

    long before = System.nanoTime();
    supervisor.stop();
    assertThat(supervisor.exitStatus().get(10, TimeUnit.SECONDS)).isZero();
    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

    System.out.println("supervisor stop (SIGTERM to sleep, multi): " + stopMs + " ms");
    assertThat(ProcessHandle.of(live.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(agent("s-stop")).isNull();
    assertThat(live("s-stop")).isNull();
  }

  @Test
  void processIgnoringSigtermIsKilledAfterTheStopTimeout() throws Exception {
    Supervisor supervisor =
        start(
            config(
                "s-stubborn",
                quickRestarts(5),
                Duration.ofMillis(500),
                "sh",
                "-c",
                "trap '' TERM; exec sleep 600"));
    LiveNode live = awaitLive("s-stubborn");
    // The live node can come before the shell has run its trap: a SIGTERM then would end it.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> ignoresSigterm(live.pid()));

    long before = System.nanoTime();
    supervisor.stop();
    assertThat(supervisor.exitStatus().get(10, TimeUnit.SECONDS)).isZero();
    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

    assertThat(stopMs).isBetween(450L, 5500L);
    assertThat(ProcessHandle.of(live.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(agent("s-stubborn")).isNull();
  }

  @Test
  void startLimitGivesUpKeepingTheAgentNodeWithTheLastExit() throws Exception {
    Supervisor supervisor =
        start(
            config(
                "s-limit",
                quickRestarts(3),
                Duration.ofSeconds(5),
                "sh",
                "-c",
                "echo starting; echo 'config broken' >&2; exit 3"));

    assertThat(supervisor.exitStatus().get(30, TimeUnit.SECONDS)).isEqualTo(1);

    AgentNode agent = agent("s-limit");
    assertThat(agent).isNotNull();
    assertThat(agent.crashCount()).isEqualTo(3);
    assertThat(agent.lastExit().code()).isEqualTo(3);
    assertThat(agent.lastExit().signal()).isNull();
    assertThat(agent.lastExit().stderrTail()).isEqualTo("config broken");
    assertThat(live("s-limit")).isNull();
    assertThat(agent.lastExit().restartIn()).isNull();
    assertThat(agent.lastExit().gaveUp()).startsWith("started 3 times within");
    assertThat(agent.lastExit().pid()).isPositive();
  }

  @Test
  void cleanExitWithoutRestartIsADeliberateStop() throws Exception {
    Supervisor supervisor =
        start(config("s-done", quickRestarts(3), Duration.ofSeconds(5), "sleep", "0.5"));
    awaitLive("s-done");

    assertThat(supervisor.exitStatus().get(30, TimeUnit.SECONDS)).isZero();
    assertThat(agent("s-done")).isNull();
    assertThat(live("s-done")).isNull();
  }

  @Test
  void crashWhileZooKeeperIsDownIsRecordedWhenItIsBack() throws Exception {
    start(config("s-zk", quickRestarts(5), Duration.ofSeconds(5), "sleep", "600"));
    AgentNode existing = null;
    LiveNode first = awaitLive("s-zk");
    existing = agent("s-zk");
    assertThat(existing.crashCount()).isZero();

    server.stop();
    try {
      ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
      // the process is restarted without ZooKeeper
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> supervisors.get(0).pid() > 0 && supervisors.get(0).pid() != first.pid());
      pids.add(supervisors.get(0).pid());
    } finally {
      server.restart();
    }

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> agent("s-zk") != null && agent("s-zk").crashCount() == 1);
    assertThat(agent("s-zk").lastExit().signal()).isEqualTo("KILL");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> live("s-zk") != null && live("s-zk").pid() == supervisors.get(0).pid());
    assertThat(live("s-zk").crashCount()).isEqualTo(1);
    assertThat(agent("s-zk").registeredAt()).isEqualTo(existing.registeredAt());
  }
}
