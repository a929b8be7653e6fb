package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.Zk;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
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
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  @Test
  void killedFlumeAlertsAndRestartsAndAStoppedOneIsSilent() throws Exception {
    Path flumeLib = Path.of(System.getProperty("flume.lib", "target/flume-lib"));
    assertThat(flumeLib.resolve("flume-ng-node-1.11.0.jar"))
        .as("Flume runtime resolved by the build")
        .exists();

    Path flumeConf = dir.resolve("flume");
    Files.createDirectories(flumeConf.resolve("roll"));
    Files.writeString(
        flumeConf.resolve("a1.conf"),
        resource("/flume/agent.conf").replace("@ROLL_DIR@", flumeConf.resolve("roll").toString()));
    Files.writeString(flumeConf.resolve("log4j2.xml"), resource("/flume/log4j2.xml"));
    int metricsPort = freePort();
    int monitorPort = freePort();

    List<ChildJvm> processes = new ArrayList<>();
    List<Long> flumePids = new ArrayList<>();
    try (TestingServer zooKeeper = Zk.server();
        CuratorFramework client = Zk.client(zooKeeper.getConnectString(), Duration.ofSeconds(10));
        SuperviseJarIT.Receiver receiver = new SuperviseJarIT.Receiver()) {
      Path monitorConfig = dir.resolve("monitor.yaml");
      Files.writeString(
          monitorConfig,
          String.join(
              "\n",
              "zookeeper: { connect: \"" + zooKeeper.getConnectString() + "\" }",
              "http: { host: 127.0.0.1, port: " + monitorPort + " }",
              "receivers: [ { name: ops, urls: [ \""
                  + receiver.url()
                  + "\" ], backoff: { initialMs: 100, maxMs: 2000 } } ]",
              ""));
      ChildJvm monitor =
          ChildJvm.start(
              List.of(
                  ChildJvm.java(),
                  "-Xmx256m",
                  "-jar",
                  SuperviseJarIT.jar(),
                  "monitor",
                  "--config",
                  monitorConfig.toString()));
      processes.add(monitor);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> get(monitorPort, "/health/ready") == 200);

      ChildJvm supervisor =
          ChildJvm.start(
              List.of(
                  ChildJvm.java(),
                  "-Xmx96m",
                  "-jar",
                  SuperviseJarIT.jar(),
                  "supervise",
                  "--zk",
                  zooKeeper.getConnectString(),
                  "--agent",
                  "a1",
                  "--group",
                  "flume",
                  "--restart-delay-ms",
                  "200",
                  "--stop-timeout-ms",
                  "10000",
                  "--",
                  ChildJvm.java(),
                  "-Xmx64m",
                  "-cp",
                  flumeConf + ":" + flumeLib + "/*",
                  "-Dflume.monitoring.type=http",
                  "-Dflume.monitoring.port=" + metricsPort,
                  "org.apache.flume.node.Application",
                  "-n",
                  "a1",
                  "-f",
                  flumeConf.resolve("a1.conf").toString(),
                  "--no-reload-conf"));
      processes.add(supervisor);

      LiveNode first = awaitLive(client, -1);
      flumePids.add(first.pid());
      long startedAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> get(metricsPort, "/metrics") == 200);
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
      SuperviseJarIT.Receiver.Received alert = receiver.alertsFor("a1").get(0);
      System.out.println(
          "SIGKILL of Flume to firing webhook: "
              + TimeUnit.NANOSECONDS.toMillis(alert.arrivedNanos() - killedAt)
              + " ms");
      assertThat(alert.status()).isEqualTo("firing");
      assertThat(alert.annotation("reason")).isEqualTo("CRASHED");
      assertThat(alert.annotation("signal")).isEqualTo("KILL");

      LiveNode second = awaitLive(client, first.pid());
      flumePids.add(second.pid());
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.alertsFor("a1").size() >= 2);
      assertThat(receiver.alertsFor("a1").get(1).status()).isEqualTo("resolved");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> get(metricsPort, "/metrics") == 200);

      int exit = supervisor.stop(Duration.ofSeconds(20));
      assertThat(exit).isIn(0, 143);
      assertThat(supervisor.output())
          .anyMatch(line -> line.contains("pid " + second.pid() + " stopped (exit 143)"));
      assertThat(ProcessHandle.of(second.pid()).map(ProcessHandle::isAlive).orElse(false))
          .isFalse();
      assertThat(client.checkExists().forPath(LAYOUT.agent("a1"))).isNull();
      assertThat(client.checkExists().forPath(LAYOUT.live("a1"))).isNull();
      // a bare crash afterwards: once its alert is in, a stop alert would have arrived too
      SuperviseJarIT.crashMarker(client, "flume-marker");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !receiver.alertsFor("flume-marker").isEmpty());
      assertThat(receiver.alertsFor("a1")).hasSize(2);
    } finally {
      for (ChildJvm process : processes) {
        process.close();
      }
      for (long pid : flumePids) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static LiveNode awaitLive(CuratorFramework client, long notPid) {
    LiveNode[] found = new LiveNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              try {
                found[0] = LiveNode.parse(client.getData().forPath(LAYOUT.live("a1")));
                return found[0].pid() != notPid;
              } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
                return false;
              }
            });
    return found[0];
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = FlumeSupervisedIT.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static int get(int port, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
