package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Agents;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.ClusterTls;
import io.flumesentinel.testing.MonitorJar;
import io.flumesentinel.testing.TestCertificates;
import io.flumesentinel.testing.TlsZooKeeperProcess;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.zk.ZkClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar against a ZooKeeper that listens with TLS only: the monitor, configured with {@code
 * zookeeper.tls}, watches an agent that {@code supervise} registered over TLS ({@code
 * --zk-tls-config}), and the agent's crash reaches a real webhook receiver. The stores are the
 * forms operators have: PKCS#12 with a password file, PEM without a password.
 */
@Tag("extended")
class ZooKeeperTlsIT {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();

  @TempDir static Path dir;
  private static TlsZooKeeperProcess zooKeeper;
  private static WebhookReceiver receiver;
  private static MonitorJar monitor;
  private static ChildJvm supervisor;
  private static CuratorFramework client;
  private static Path clientTls;
  private static List<String> monitorTls;

  @BeforeAll
  static void start() throws Exception {
    TestCertificates.Identity server = TestCertificates.create(dir, "zk-server");
    TestCertificates.Identity sentinel = TestCertificates.create(dir, "sentinel");
    Path serverTrust = TestCertificates.trustStore(dir.resolve("server-trust.p12"), sentinel);
    Path clientTrust = TestCertificates.trustStore(dir.resolve("client-trust.p12"), server);
    Path password = Files.writeString(dir.resolve("store-password"), TestCertificates.PASSWORD);
    // A PEM key store: the private key and its certificate in one file, no password.
    Path sentinelPem =
        Files.writeString(
            dir.resolve("sentinel.pem"),
            Files.readString(sentinel.keyPem()) + Files.readString(sentinel.certPem()));
    zooKeeper = TlsZooKeeperProcess.start(server.keyStore(), serverTrust);

    clientTls =
        Files.writeString(
            dir.resolve("zk-tls.yaml"),
            String.join(
                "\n",
                "keyStore: { location: \"" + sentinelPem + "\" }",
                "trustStore: { location: \""
                    + clientTrust
                    + "\", passwordFile: \""
                    + password
                    + "\" }",
                ""));
    client = tlsClient(zooKeeper.connectString());

    receiver = WebhookReceiver.start();
    monitorTls =
        List.of(
            "  tls:",
            "    keyStore: { location: \""
                + sentinel.keyStore()
                + "\", passwordFile: \""
                + password
                + "\" }",
            "    trustStore: { location: \"" + server.certPem() + "\", type: PEM }");
    monitor = MonitorJar.launch(dir, zooKeeper.connectString(), receiver, monitorTls, List.of());
    monitor.awaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (supervisor != null) {
        supervisor.stop(Duration.ofSeconds(10));
      }
      if (monitor != null) {
        monitor.stop(Duration.ofSeconds(15));
      }
    } finally {
      if (client != null) {
        client.close();
      }
      if (receiver != null) {
        receiver.close();
      }
      if (zooKeeper != null) {
        zooKeeper.close();
      }
    }
  }

  @Test
  void anAgentSupervisedOverTlsCrashesAndTheMonitorOnTlsAlertsTheWebhook() throws Exception {
    supervisor =
        ChildJvm.start(
            MonitorJar.supervise(
                List.of(
                    "--zk",
                    zooKeeper.connectString(),
                    "--zk-tls-config",
                    clientTls.toString(),
                    "--agent",
                    "tls-agent",
                    "--restart-delay-ms",
                    "60000",
                    "--",
                    "sleep",
                    "600")));
    LiveNode live = Agents.awaitLive(client, "tls-agent", -1, Duration.ofSeconds(30));
    // the monitor's watch sees the live node within moments; a kill before that would be a
    // registration that never ran, not a crash
    await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> true);

    ProcessHandle.of(live.pid()).orElseThrow().destroyForcibly();

    await().atMost(Duration.ofSeconds(15)).until(() -> !receiver.alertsFor("tls-agent").isEmpty());
    WebhookReceiver.Received alert = receiver.alertsFor("tls-agent").get(0);
    assertThat(alert.status()).isEqualTo("firing");
    assertThat(alert.annotation("reason")).isEqualTo("CRASHED");
    assertThat(alert.annotation("signal")).isEqualTo("KILL");
    assertThat(monitor.output()).noneMatch(line -> line.contains("NoClassDefFoundError"));
  }

  @Test
  void theSilenceCommandWorksOverTls() throws Exception {
    try (ChildJvm list =
        ChildJvm.start(
            MonitorJar.command(
                96,
                "silence",
                "list",
                "--zk",
                zooKeeper.connectString(),
                "--zk-tls-config",
                clientTls.toString()))) {
      assertThat(list.awaitExit(Duration.ofSeconds(30)))
          .as(String.join("\n", list.output()))
          .isZero();
      assertThat(list.output()).anyMatch(line -> line.startsWith("ID"));
    }
  }

  @Test
  void aClusteredMonitorJoinsThroughTheTlsPort() throws Exception {
    // The Vert.x cluster manager's ZooKeeper client is the monitor's too: with zookeeper.tls it
    // reaches a TLS-only ensemble and registers the member under the cluster path.
    Path own = Files.createDirectories(dir.resolve("clustered"));
    ClusterTls bus = ClusterTls.create(Files.createDirectories(own.resolve("bus")));
    try (MonitorJar clustered =
        MonitorJar.launch(
            own, zooKeeper.connectString(), receiver, monitorTls, bus.yaml("127.0.0.1"))) {
      clustered.awaitReady();
      assertThat(client.getChildren().forPath(LAYOUT.root() + "/vertx")).isNotEmpty();
      assertThat(clustered.output()).noneMatch(line -> line.contains("NoClassDefFoundError"));
    }
  }

  @Test
  void aPlainConnectionToTheTlsPortGetsNoSession() throws Exception {
    try (CuratorFramework plain =
        CuratorFrameworkFactory.builder()
            .connectString(zooKeeper.connectString())
            .sessionTimeoutMs(4000)
            .connectionTimeoutMs(2000)
            .retryPolicy(new RetryOneTime(100))
            .zkClientConfig(ZkClients.clientConfig())
            .build()) {
      plain.start();
      assertThat(plain.blockUntilConnected(4, TimeUnit.SECONDS)).isFalse();
    }
    assertThat(client.checkExists().forPath(LAYOUT.root())).isNotNull();
  }

  private static CuratorFramework tlsClient(String connect) throws InterruptedException {
    ZKClientConfig config = ZkClients.clientConfig(ConfigLoader.loadZkTls(clientTls));
    CuratorFramework tls =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(10_000)
            .connectionTimeoutMs(5_000)
            .retryPolicy(new RetryOneTime(100))
            .zkClientConfig(config)
            .build();
    tls.start();
    if (!tls.blockUntilConnected(20, TimeUnit.SECONDS)) {
      tls.close();
      throw new IllegalStateException(
          "no TLS connection to " + connect + ":\n" + String.join("\n", zooKeeper.output()));
    }
    return tls;
  }
}
