package io.flumesentinel.ha;

import static io.flumesentinel.ha.ClusteredMonitors.active;
import static io.flumesentinel.ha.ClusteredMonitors.crash;
import static io.flumesentinel.ha.ClusteredMonitors.firing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered monitors, each with its own history: the standby keeps what the active one
 * publishes, so after a handover the new active monitor's history holds the old term's transitions
 * and delivery attempts, and its own.
 */
class HistoryHandoverTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ClusteredMonitors CLUSTER =
      new ClusteredMonitors("/history-handover", Duration.ofSeconds(2));

  @TempDir Path dir;

  @Test
  void aNewLeaderHasTheHistoryOfTheTermBeforeIt() throws Exception {
    try (TestingServer server = Zk.server();
        WebhookReceiver receiver = WebhookReceiver.start()) {
      CuratorFramework agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
      try {
        Registration agents =
            new Registration(
                AsyncCuratorFramework.wrap(agentSide), new ZkLayout("/history-handover"));
        for (String id : List.of("h1", "h2")) {
          agents
              .register(id, AgentNode.of("host-" + id, "ingest", Map.of()))
              .toCompletableFuture()
              .get();
          agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
        }
        try (Monitor standby =
            CLUSTER.startWithHistory(server.getConnectString(), receiver, dir.resolve("b"))) {
          Monitor first =
              CLUSTER.startWithHistory(server.getConnectString(), receiver, dir.resolve("a"));
          try {
            await().atMost(WAIT).until(() -> active(first) || active(standby));
            Monitor leader = active(first) ? first : standby;
            Monitor other = leader == first ? standby : first;
            await().atMost(WAIT).until(() -> other.readiness().ready());

            crash(agents, "h1", "host-h1");
            await().atMost(WAIT).until(() -> firing(receiver, "h1") == 1);
            // Both members keep the leader's records.
            for (Monitor monitor : List.of(leader, other)) {
              await()
                  .atMost(WAIT)
                  .until(
                      () ->
                          kinds(monitor, "h1")
                              .containsAll(
                                  List.of("delivery firing delivered", "transition firing null")));
            }

            leader.close();
            await().atMost(WAIT).until(() -> active(other));
            crash(agents, "h2", "host-h2");
            await().atMost(WAIT).until(() -> firing(receiver, "h2") == 1);
            await()
                .atMost(WAIT)
                .until(
                    () ->
                        kinds(other, "h2")
                            .containsAll(
                                List.of("delivery firing delivered", "transition firing null")));
            assertThat(kinds(other, "h1"))
                .containsExactly("delivery firing delivered", "transition firing null");
          } finally {
            first.close();
          }
        }
      } finally {
        agentSide.close();
      }
    }
  }

  /** The history of {@code agent} on {@code monitor}, newest first, as "kind status outcome". */
  private static List<String> kinds(Monitor monitor, String agent) throws Exception {
    String body = Http.get(monitor.httpPort(), "/api/history?agent=" + agent);
    return new JsonArray(body)
        .stream()
            .map(JsonObject.class::cast)
            .map(
                r ->
                    r.getString("kind")
                        + " "
                        + r.getString("status")
                        + " "
                        + r.getString("outcome"))
            .toList();
  }
}
