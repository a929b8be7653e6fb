package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Agents;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.FlumeRuntime;
import io.flumesentinel.testing.MonitoredZooKeeper;
import io.flumesentinel.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Apache Flume 1.11.0 agent (resolved into target/flume-lib by the build) under the fat
 * jar's supervisor, watched by the fat jar's monitor: a killed Flume JVM alerts CRASHED with signal
 * KILL and resolves after the restart; SIGTERM to the supervisor stops Flume cleanly without an
 * alert.
 */
class FlumeSupervisedIT {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();

  @TempDir Path dir;

  @Test
  void killedFlumeAlertsAndRestartsAndAStoppedOneIsSilent() throws Exception {
    try (FlumeRuntime flume = FlumeRuntime.prepare(dir, "/flume/agent.conf");
        MonitoredZooKeeper setting = MonitoredZooKeeper.start(dir)) {
      CuratorFramework client = setting.client();
      WebhookReceiver receiver = setting.receiver();
      ChildJvm supervisor =
          flume.supervise(
              setting.connect(), "--restart-delay-ms", "200", "--stop-timeout-ms", "10000");

      LiveNode first = flume.awaitLive(client, -1);
      long startedAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> flume.metricsStatus() == 200);
      System.out.println(
          "Flume under the supervisor: metrics answer "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt)
              + " ms after its live node appeared");

      long killedAt = System.nanoTime();
      ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> !receiver.alertsFor("a1").isEmpty());
      WebhookReceiver.Received alert = receiver.alertsFor("a1").get(0);
      System.out.println(
          "SIGKILL of Flume to firing webhook: "
              + TimeUnit.NANOSECONDS.toMillis(alert.arrivedNanos() - killedAt)
              + " ms");
      assertThat(alert.status()).isEqualTo("firing");
      assertThat(alert.annotation("reason")).isEqualTo("CRASHED");
      assertThat(alert.annotation("signal")).isEqualTo("KILL");

      LiveNode second = flume.awaitLive(client, first.pid());
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.alertsFor("a1").size() >= 2);
      assertThat(receiver.alertsFor("a1").get(1).status()).isEqualTo("resolved");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> flume.metricsStatus() == 200);

      int exit = supervisor.stop(Duration.ofSeconds(20));
      assertThat(exit).isIn(0, 143);
      assertThat(supervisor.output())
          .anyMatch(line -> line.contains("pid " + second.pid() + " stopped (exit 143)"));
      assertThat(ProcessHandle.of(second.pid()).map(ProcessHandle::isAlive).orElse(false))
          .isFalse();
      assertThat(client.checkExists().forPath(LAYOUT.agent("a1"))).isNull();
      assertThat(client.checkExists().forPath(LAYOUT.live("a1"))).isNull();
      // a bare crash afterwards: once its alert is in, a stop alert would have arrived too
      Agents.crashMarker(client, "flume-marker");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !receiver.alertsFor("flume-marker").isEmpty());
      assertThat(receiver.alertsFor("a1")).hasSize(2);
    }
  }
}
