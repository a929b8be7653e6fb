package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.Health;
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
 * A real Apache Flume 1.11.0 agent that runs but delivers nothing (no sink: its channel fills up),
 * under the fat jar's supervisor reading Flume's HTTP metrics, watched by the fat jar's monitor:
 * the webhook gets a firing FlumeAgentStuck (reason STUCK); stopping the supervisor resolves it,
 * and no down alert comes.
 */
class FlumeStuckIT {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  @Test
  void aFullChannelAlertsStuckAndAStopIsSilent() throws Exception {
    Path flumeLib = Path.of(System.getProperty("flume.lib", "target/flume-lib"));
    assertThat(flumeLib.resolve("flume-ng-node-1.11.0.jar"))
        .as("Flume runtime resolved by the build")
        .exists();
    Path flumeConf = dir.resolve("flume");
    Files.createDirectories(flumeConf);
    Files.writeString(flumeConf.resolve("a1.conf"), resource("/flume/agent-stuck.conf"));
    Files.writeString(flumeConf.resolve("log4j2.xml"), resource("/flume/log4j2.xml"));
    int metricsPort = freePort();
    int monitorPort = freePort();

    List<ChildJvm> processes = new ArrayList<>();
    long flumePid = -1;
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
                  "--label",
                  "dc=east",
                  "--flume-metrics",
                  "http://127.0.0.1:" + metricsPort + "/metrics",
                  "--health-interval-ms",
                  "200",
                  "--stuck-for-ms",
                  "1000",
                  "--stuck-fill-percent",
                  "90",
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
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> get(monitorPort, "/health/ready") == 200);

      flumePid = awaitLive(client).pid();
      long liveAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  receiver.alertsFor("a1").stream()
                      .anyMatch(a -> alertname(a).equals("FlumeAgentStuck")));
      System.out.println(
          "Flume live node to FlumeAgentStuck webhook: "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - liveAt)
              + " ms (stuck time 1000 ms)");

      SuperviseJarIT.Receiver.Received stuck = receiver.alertsFor("a1").get(0);
      assertThat(alertname(stuck)).isEqualTo("FlumeAgentStuck");
      assertThat(stuck.status()).isEqualTo("firing");
      assertThat(stuck.annotation("reason")).isEqualTo("STUCK");
      assertThat(stuck.annotation("channel")).isEqualTo("c1");
      assertThat(Double.parseDouble(stuck.annotation("fillPercent"))).isGreaterThanOrEqualTo(90);
      assertThat(stuck.alert().getJsonObject("labels").getString("severity")).isEqualTo("warning");
      assertThat(stuck.alert().getJsonObject("labels").getString("dc")).isEqualTo("east");
      AgentNode node = AgentNode.parse(client.getData().forPath(LAYOUT.agent("a1")));
      assertThat(node.health().status()).isEqualTo(Health.Status.STUCK);
      assertThat(node.crashCount()).isZero();

      int exit = supervisor.stop(Duration.ofSeconds(20));
      assertThat(exit).isIn(0, 143);
      assertThat(client.checkExists().forPath(LAYOUT.agent("a1"))).isNull();
      long stoppedPid = flumePid;
      assertThat(ProcessHandle.of(stoppedPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.alertsFor("a1").size() >= 2);
      SuperviseJarIT.Receiver.Received resolved = receiver.alertsFor("a1").get(1);
      assertThat(alertname(resolved)).isEqualTo("FlumeAgentStuck");
      assertThat(resolved.status()).isEqualTo("resolved");
      assertThat(resolved.annotation("resolution")).isEqualTo("STOPPED");
      // a bare crash afterwards: once its alert is in, a down alert for a1 would have arrived too
      SuperviseJarIT.crashMarker(client, "stuck-marker");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !receiver.alertsFor("stuck-marker").isEmpty());
      assertThat(receiver.alertsFor("a1"))
          .extracting(FlumeStuckIT::alertname)
          .containsOnly("FlumeAgentStuck");
    } finally {
      for (ChildJvm process : processes) {
        process.close();
      }
      if (flumePid > 0) {
        ProcessHandle.of(flumePid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static String alertname(SuperviseJarIT.Receiver.Received alert) {
    return alert.alert().getJsonObject("labels").getString("alertname");
  }

  private static LiveNode awaitLive(CuratorFramework client) {
    LiveNode[] found = new LiveNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              try {
                found[0] = LiveNode.parse(client.getData().forPath(LAYOUT.live("a1")));
                return true;
              } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
                return false;
              }
            });
    return found[0];
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = FlumeStuckIT.class.getResourceAsStream(name)) {
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
