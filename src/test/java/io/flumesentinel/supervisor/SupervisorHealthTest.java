package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's health watch against a real ZooKeeper and a stand-in for Flume's metrics
 * endpoint: each change of status is written to the agent node once, and a crash record drops the
 * run's health.
 */
class SupervisorHealthTest {

  private static final ZkLayout LAYOUT = new ZkLayout("/supervisor-health");
  private static TestingServer server;
  private static CuratorFramework client;
  private static Vertx vertx;
  private static HttpServer metrics;

  /** What the stand-in answers: a fill percentage of channel c1, or nothing at all when null. */
  private static volatile String fill = "0.0";

  @BeforeAll
  static void start() throws Exception {
    server = Zk.server();
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
    vertx = Vertx.vertx();
    metrics =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  String percent = fill;
                  if (percent != null) {
                    request
                        .response()
                        .end(
                            "{\"CHANNEL.c1\":{\"ChannelCapacity\":\"1000\",\"ChannelFillPercentage\":\""
                                + percent
                                + "\"},\"SOURCE.r1\":{\"EventAcceptedCount\":\"5\"}}");
                  } // else: never answers, like a hung JVM
                })
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    client.close();
    server.close();
  }

  @Test
  void writesEachChangeOnceAndACrashDropsTheHealth() throws Exception {
    HealthWatch watch =
        new HealthWatch(
            URI.create("http://127.0.0.1:" + metrics.actualPort() + "/metrics"),
            Duration.ofMillis(50),
            Duration.ofMillis(300),
            new HealthJudge.Settings(90, Duration.ofMillis(400), Duration.ofSeconds(30)));
    RestartPolicy.Settings restarts =
        new RestartPolicy.Settings(
            RestartPolicy.Mode.ON_FAILURE,
            Duration.ofMillis(100),
            2.0,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            5,
            Duration.ofMinutes(1));
    SupervisorConfig config =
        new SupervisorConfig(
            server.getConnectString(),
            LAYOUT,
            "h1",
            "host-t",
            "tests",
            Map.of(),
            "1.0",
            List.of("sleep", "600"),
            restarts,
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(3),
            Supervisor.setprivAvailable(),
            watch);
    fill = "0.0";
    Supervisor supervisor = Supervisor.start(config, Clock.systemUTC());
    long firstPid = -1;
    long secondPid = -1;
    try {
      LiveNode first = awaitLive(-1);
      firstPid = first.pid();
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(2))
          .until(() -> agent().health() == null);

      fill = "100.0";
      await().atMost(Duration.ofSeconds(10)).until(() -> status() == Health.Status.STUCK);
      assertThat(agent().health().details())
          .containsEntry("channel", "c1")
          .containsEntry("fillPercent", "100");
      int version = version();
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(2))
          .until(() -> version() == version);

      fill = "12.5";
      await().atMost(Duration.ofSeconds(10)).until(() -> status() == Health.Status.OK);

      fill = null;
      await().atMost(Duration.ofSeconds(10)).until(() -> status() == Health.Status.HUNG);
      assertThat(agent().health().details()).containsKey("error");

      ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
      LiveNode second = awaitLive(firstPid);
      secondPid = second.pid();
      AgentNode afterCrash = agent();
      assertThat(afterCrash.crashCount()).isEqualTo(1);
      assertThat(afterCrash.lastExit().signal()).isEqualTo("KILL");
      assertThat(afterCrash.health()).as("a crash record drops the run's health").isNull();
      // the new run's endpoint still does not answer, but it has the start grace
      await()
          .during(Duration.ofMillis(600))
          .atMost(Duration.ofSeconds(2))
          .until(() -> agent().health() == null);

      supervisor.stop();
      assertThat(supervisor.exitStatus().get(30, TimeUnit.SECONDS)).isZero();
      assertThat(client.checkExists().forPath(LAYOUT.agent("h1"))).isNull();
    } finally {
      supervisor.stop();
      supervisor.exitStatus().get(30, TimeUnit.SECONDS);
      for (long pid : new long[] {firstPid, secondPid}) {
        if (pid > 0) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
  }

  private static AgentNode agent() throws Exception {
    return AgentNode.parse(client.getData().forPath(LAYOUT.agent("h1")));
  }

  private static Health.Status status() throws Exception {
    Health health = agent().health();
    return health == null ? null : health.status();
  }

  private static int version() throws Exception {
    Stat stat = new Stat();
    client.getData().storingStatIn(stat).forPath(LAYOUT.agent("h1"));
    return stat.getVersion();
  }

  private static LiveNode awaitLive(long notPid) {
    LiveNode[] found = new LiveNode[1];
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              try {
                found[0] = LiveNode.parse(client.getData().forPath(LAYOUT.live("h1")));
                return found[0].pid() != notPid;
              } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
                return false;
              }
            });
    return found[0];
  }
}
