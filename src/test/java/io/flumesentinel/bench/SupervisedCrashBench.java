package io.flumesentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.WebhookReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of a supervised process → the firing webhook, over many crashes of one agent: the
 * supervisor (its own JVM) records the crash and removes the live node, the monitor classifies it
 * CRASHED. Each crash waits for the restart and the resolved notice before the next. Goal: p50
 * under 10 ms, p99 under 50 ms.
 *
 * <p>The restart comes 200 ms after the exit, after the alert as with the supervisor's default
 * delay (1 s): a shorter one put the next run's start (a fork and exec, its live node, the
 * monitor's reading of it) inside the slower crashes' measured path, which no supervisor with its
 * default delay meets.
 */
class SupervisedCrashBench extends ZooKeeperBench {

  private static final int WARM_UP = 30;
  private static final int MEASURED = 120;
  private static final String AGENT = "supervised";
  private static final ZkLayout LAYOUT = new ZkLayout("/bench-supervised");
  private static final long WAIT_MS = 10_000;

  private static final String MEASURES =
      "SIGKILL of a process under `supervise` → the firing CRASHED webhook, 120 crashes of one agent"
          + " after 30 warm-up, each restarted 200 ms later and resolved (flap detection off: it"
          + " crashes one agent on purpose)";

  private final BenchReport report =
      new BenchReport("supervised-crash", SupervisedCrashBench.class);
  private Monitor monitor;
  private ChildJvm supervisor;
  private DeletionFloor floor;

  @BeforeAll
  void startMonitorAndSupervisor() throws Exception {
    // Every crash of the one agent is measured: flap detection would fold them into one alert.
    monitor =
        InProcessMonitor.startReady(
            zooKeeper.connectString(), LAYOUT.root(), receiver.url(), FlappingConfig.disabled());
    floor = DeletionFloor.watch(zooKeeper.connectString(), LAYOUT.live());
    supervisor =
        ChildJvm.start(
            ChildJvm.command(
                256,
                "io.flumesentinel.FlumeSentinel",
                "supervise",
                "--zk",
                zooKeeper.connectString(),
                "--root",
                LAYOUT.root(),
                "--agent",
                AGENT,
                "--restart-delay-ms",
                "200",
                "--restart-delay-factor",
                "1",
                "--start-limit",
                "100000",
                "--",
                "sleep",
                "600"));
  }

  @AfterAll
  void stopOwn() throws Exception {
    if (supervisor != null) {
      supervisor.stop(Duration.ofSeconds(15));
    }
    if (monitor != null) {
      monitor.close();
    }
    if (floor != null) {
      floor.close();
    }
  }

  @Test
  void killToFiringWebhook() throws Exception {
    long pid = -1;
    for (int i = 0; i < WARM_UP; i++) {
      pid = crash(i, pid).pid();
    }
    List<DeletionFloor.Crash> crashes = new ArrayList<>();
    for (int i = 0; i < MEASURED; i++) {
      Killed killed = crash(WARM_UP + i, pid);
      crashes.add(killed.crash());
      pid = killed.pid();
    }
    assertThat(receiver.malformed()).isEmpty();
    report.singleCrashes(
        "warmUp=" + WARM_UP,
        MEASURES,
        crashes,
        "the supervisor and ZooKeeper (the kill until a bare client is notified of the live node's"
            + " removal, the same crashes)",
        10,
        50);
  }

  /** A run killed: its pid, and the crash as measured. */
  private record Killed(long pid, DeletionFloor.Crash crash) {}

  /**
   * Kills the current run (once its live node is up and any earlier incident resolved) and waits
   * for the firing webhook of crash number {@code n}.
   */
  private Killed crash(int n, long previousPid) throws Exception {
    LiveNode live = awaitNewRun(previousPid);
    awaitCount("resolved", n);
    // Looked up before the clock starts: reading /proc is the benchmark's work, not the crash's.
    ProcessHandle agent = ProcessHandle.of(live.pid()).orElseThrow();
    var removed = floor.nextDeletion(LAYOUT.live(AGENT));
    long killedAt = System.nanoTime();
    agent.destroyForcibly();
    WebhookReceiver.Received firing = awaitCount("firing", n + 1);
    assertThat(firing.annotation("reason")).isEqualTo("CRASHED");
    assertThat(firing.annotation("signal")).isEqualTo("KILL");
    return new Killed(
        live.pid(),
        DeletionFloor.Crash.of(
            killedAt, firing.arrivedNanos(), removed.get(WAIT_MS, TimeUnit.MILLISECONDS)));
  }

  private LiveNode awaitNewRun(long previousPid) throws Exception {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (agentSide.checkExists().forPath(LAYOUT.live(AGENT)) != null) {
        try {
          LiveNode live = LiveNode.parse(agentSide.getData().forPath(LAYOUT.live(AGENT)));
          if (live.pid() != previousPid) {
            return live;
          }
        } catch (org.apache.zookeeper.KeeperException.NoNodeException gone) {
          // between the check and the read; look again
        }
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("no new run of " + AGENT + " within " + WAIT_MS + " ms");
  }

  /**
   * Waits until the receiver has {@code count} alerts of {@code status} for the agent; returns the
   * last.
   */
  private WebhookReceiver.Received awaitCount(String status, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (System.nanoTime() < deadline) {
      var matching =
          receiver.alertsFor(AGENT).stream().filter(a -> a.status().equals(status)).toList();
      if (matching.size() >= count) {
        return count == 0 ? null : matching.get(count - 1);
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException(
        "fewer than "
            + count
            + " "
            + status
            + " alerts for "
            + AGENT
            + " within "
            + WAIT_MS
            + " ms");
  }
}
