package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.Zk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/**
 * Discovery against a real ZooKeeper server: the group's live agents as supervisors write them,
 * followed as they come and go; hostile nodes skipped without quoting them; the last list kept,
 * with the static agents behind it, while ZooKeeper is unreachable.
 */
class AppenderDiscoveryTest {

  private static final String LIVE = "/flume-sentinel/live/";

  private final AtomicReference<AgentDirectory.AgentList> current = new AtomicReference<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  @Test
  void theGroupsLiveAgentsAreFollowedAndTheLastListIsKeptWhileZooKeeperIsAway() throws Exception {
    try (TestingServer server = Zk.server();
        CuratorFramework client = Zk.client(server.getConnectString(), Duration.ofSeconds(10))) {
      live(client, "b1", "logs", "127.0.0.1:5002");
      live(client, "a1", "logs", "127.0.0.1:5001");
      live(client, "other", "ingest", "127.0.0.1:5009");
      live(client, "no-endpoint", "logs", null);
      client
          .create()
          .creatingParentsIfNeeded()
          .withMode(CreateMode.EPHEMERAL)
          .forPath(LIVE + "junk", "not json \u001b[31m".getBytes(StandardCharsets.UTF_8));
      client
          .create()
          .withMode(CreateMode.EPHEMERAL)
          .forPath(
              LIVE + "huge",
              ("{\"group\":\"logs\",\"x\":\"" + "y".repeat(20_000) + "\"}")
                  .getBytes(StandardCharsets.UTF_8));

      AppenderSettings settings =
          AppenderSettings.builder()
              .name("discovery")
              .zookeeper(server.getConnectString())
              .group("logs")
              .agents("10.9.9.9:4141")
              .build();
      AgentDirectory directory = new AgentDirectory(settings.agents(), current::set);
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      try (ZooKeeperAgents agents = new ZooKeeperAgents(settings, directory, diagnostics())) {
        agents.start();

        awaitAgents("zookeeper", "a1=127.0.0.1:5001", "b1=127.0.0.1:5002");
        assertThat(warnings)
            .anyMatch(w -> w.contains("agent junk skipped: live node is not JSON"))
            .anyMatch(
                w -> w.contains("agent huge skipped: live node of 20") && w.contains("limit 16384"))
            .noneMatch(w -> w.contains("\u001b") || w.contains("yyyy"));

        // a third agent starts: no change to the application
        live(client, "c1", "logs", "127.0.0.1:5003");
        awaitAgents("zookeeper", "a1=127.0.0.1:5001", "b1=127.0.0.1:5002", "c1=127.0.0.1:5003");
        client.delete().forPath(LIVE + "a1");
        awaitAgents("zookeeper", "b1=127.0.0.1:5002", "c1=127.0.0.1:5003");

        server.stop();
        awaitAgents(
            "last-known", "b1=127.0.0.1:5002", "c1=127.0.0.1:5003", "10.9.9.9:4141=10.9.9.9:4141");
        server.restart();
        awaitAgents("zookeeper", "b1=127.0.0.1:5002", "c1=127.0.0.1:5003");
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(Thread.getAllStackTraces().keySet())
                      .filteredOn(t -> !before.contains(t) && t.isAlive())
                      .extracting(Thread::getName)
                      .as("the discovery's ZooKeeper threads end when it is closed")
                      // the client's threads (the restarted server started threads of its own)
                      .filteredOn(
                          name ->
                              name.contains("SendThread")
                                  || name.contains("EventThread")
                                  || name.startsWith("Curator"))
                      .isEmpty());
    }
  }

  @Test
  void beforeZooKeeperEverAnswersTheStaticListIsUsed() {
    AgentDirectory directory =
        new AgentDirectory(AgentAddress.parseList("h1:1,h2:2"), current::set);

    assertThat(directory.current())
        .isEqualTo(new AgentDirectory.AgentList(AgentAddress.parseList("h1:1,h2:2"), "static"));
    directory.unreachable();
    assertThat(directory.current().source()).isEqualTo("static");
    directory.discovered(List.of());
    assertThat(directory.current().source())
        .as("a group with no live agent falls back to the static list")
        .isEqualTo("static");
  }

  private void awaitAgents(String source, String... agents) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              AgentDirectory.AgentList list = current.get();
              assertThat(list).isNotNull();
              assertThat(list.source()).isEqualTo(source);
              assertThat(list.agents())
                  .extracting(a -> a.name() + "=" + a.endpoint())
                  .containsExactly(agents);
            });
  }

  private static void live(CuratorFramework client, String id, String group, String avro)
      throws Exception {
    LiveNode live =
        new LiveNode(
            1, Instant.now(), "", 0, group, avro == null ? Map.of() : Map.of("avro", avro));
    client
        .create()
        .creatingParentsIfNeeded()
        .withMode(CreateMode.EPHEMERAL)
        .forPath(LIVE + id, live.toBytes());
  }

  private Diagnostics diagnostics() {
    return new Diagnostics() {
      @Override
      public void info(String message) {}

      @Override
      public void warn(String message) {
        warnings.add(message);
      }

      @Override
      public void error(String message, Throwable cause) {
        warnings.add(message + ": " + cause);
      }
    };
  }
}
