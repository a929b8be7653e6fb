package io.flumesentinel.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedZooKeeperTest {

  @TempDir Path dataDir;

  @Test
  void aCuratorClientCanCreateAndReadAZnode() throws Exception {
    try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(0, dataDir);
        CuratorFramework client = connect(server)) {
      client
          .create()
          .creatingParentsIfNeeded()
          .forPath("/flume-sentinel/agents/a1", bytes("hello"));

      assertThat(client.getData().forPath("/flume-sentinel/agents/a1")).isEqualTo(bytes("hello"));
      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(server.connectString()).isEqualTo("127.0.0.1:" + server.address().getPort());
      assertThat(dataDir.resolve("data")).isDirectory();
      assertThat(dataDir.resolve("log")).isDirectory();
    }
  }

  @Test
  void persistentNodesSurviveARestartWithTheSameDirectoryAndEphemeralOnesDoNot() throws Exception {
    try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(0, dataDir);
        CuratorFramework client = connect(server)) {
      client.create().forPath("/kept", bytes("v1"));
      client.create().withMode(CreateMode.EPHEMERAL).forPath("/gone");
    }

    try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(0, dataDir);
        CuratorFramework client = connect(server)) {
      assertThat(client.getData().forPath("/kept")).isEqualTo(bytes("v1"));
      // closing the first client ended its session, and the session's ephemeral node with it
      await()
          .atMost(30, TimeUnit.SECONDS)
          .until(() -> client.checkExists().forPath("/gone") == null);
    }
  }

  @Test
  void aTakenPortFailsWithTheAddressInTheMessage() throws Exception {
    try (EmbeddedZooKeeper first = EmbeddedZooKeeper.start(0, dataDir.resolve("one"))) {
      int port = first.address().getPort();

      assertThatThrownBy(() -> EmbeddedZooKeeper.start(port, dataDir.resolve("two")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + port);
    }
  }

  @Test
  void aSecondServerOnTheSameDirectoryIsRefusedUntilTheFirstIsClosed() throws Exception {
    try (EmbeddedZooKeeper first = EmbeddedZooKeeper.start(0, dataDir)) {
      assertThatThrownBy(() -> EmbeddedZooKeeper.start(0, dataDir))
          .isInstanceOf(EmbeddedZooKeeper.DirectoryInUse.class)
          .hasMessageContaining(dataDir.toAbsolutePath().normalize().toString())
          .hasMessageContaining(EmbeddedZooKeeper.LOCK_FILE);
      // The refused start took nothing from the running server.
      try (CuratorFramework client = connect(first)) {
        client.create().forPath("/still-served");
      }
    }

    try (EmbeddedZooKeeper again = EmbeddedZooKeeper.start(0, dataDir);
        CuratorFramework client = connect(again)) {
      assertThat(client.checkExists().forPath("/still-served")).isNotNull();
    }
  }

  @Test
  void theBannerWarnsThatItIsForTryingOutOnly() throws Exception {
    try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(0, dataDir)) {
      assertThat(server.banner())
          .contains(
              "EMBEDDED ZooKeeper", server.connectString(), "trying out only", "zookeeper.connect")
          .hasLineCount(6);
    }
  }

  @Test
  void theStandaloneMainAnnouncesItsAddressInItsOwnJvm() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                StandaloneZooKeeper.class.getName(),
                "0",
                dataDir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String announcement =
          out.lines()
              .filter(l -> l.startsWith("ZooKeeper listening on "))
              .findFirst()
              .orElseThrow();
      String connect = announcement.substring("ZooKeeper listening on ".length());
      assertThat(connect).matches("127\\.0\\.0\\.1:[0-9]+");

      try (CuratorFramework client = connect(connect)) {
        client.create().forPath("/standalone", bytes("up"));
        assertThat(client.getData().forPath("/standalone")).isEqualTo(bytes("up"));
      }
    } finally {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static CuratorFramework connect(EmbeddedZooKeeper server) throws InterruptedException {
    return connect(server.connectString());
  }

  private static CuratorFramework connect(String connectString) throws InterruptedException {
    CuratorFramework client =
        CuratorFrameworkFactory.newClient(connectString, 10_000, 5_000, new RetryOneTime(200));
    client.start();
    assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS))
        .as("connected to " + connectString)
        .isTrue();
    return client;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
