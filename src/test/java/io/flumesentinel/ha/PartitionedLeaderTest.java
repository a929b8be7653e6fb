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
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.testing.TcpProxy;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * The active monitor is cut off from ZooKeeper (a partition, or a long pause) for longer than its
 * session: the standby takes over and alerts what crashed meanwhile, once; when the cut ends the
 * former leader finds its session gone, stands by, and notifies nothing. A single server behind a
 * proxy: a client of an ensemble would learn the servers' own addresses and go around the proxy.
 */
class PartitionedLeaderTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration SESSION = Duration.ofSeconds(2);
  private static final String ROOT = "/partitioned";

  @Test
  void aCutOffLeaderIsReplacedAndSendsNothingWhenBack() throws Exception {
    try (TestingServer server = Zk.server();
        TcpProxy proxy = new TcpProxy("127.0.0.1", server.getPort());
        WebhookReceiver receiver = WebhookReceiver.start()) {
      CuratorFramework agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
      Registration agents =
          new Registration(AsyncCuratorFramework.wrap(agentSide), new ZkLayout(ROOT));
      for (String id : List.of("e1", "e2", "e3")) {
        agents.register(id, AgentNode.of("host-a", "ingest", Map.of())).toCompletableFuture().get();
        agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
      }
      try (Monitor cutOff = CLUSTER.start(proxy.connectString(), receiver)) {
        await().atMost(WAIT).until(() -> active(cutOff));
        try (Monitor standby = CLUSTER.start(server.getConnectString(), receiver)) {
          await().atMost(WAIT).until(() -> standby.readiness().ready());
          crash(agents, "e1", "host-a");
          await().atMost(WAIT).until(() -> firing(receiver, "e1") == 1);
          // delivered and on record as delivered: not sent again by the next leader
          await().atMost(WAIT).until(() -> CLUSTER.acknowledged(agentSide, "e1"));

          proxy.cut(); // its sessions expire; the standby's latch node comes first
          await().atMost(WAIT).until(() -> active(standby));
          crash(agents, "e2", "host-a");
          await().atMost(WAIT).until(() -> firing(receiver, "e2") == 1);

          proxy.restore(); // back with its session gone: it stands by
          await().atMost(WAIT).until(() -> cutOff.readiness().role() == Readiness.Role.STANDBY);
          crash(agents, "e3", "host-a");
          await().atMost(WAIT).until(() -> firing(receiver, "e3") == 1);
          await()
              .during(Duration.ofSeconds(2))
              .atMost(Duration.ofSeconds(6))
              .until(
                  () ->
                      firing(receiver, "e1") == 1
                          && firing(receiver, "e2") == 1
                          && firing(receiver, "e3") == 1);
          assertThat(standby.readiness().role()).isEqualTo(Readiness.Role.ACTIVE);
          for (String id : List.of("e1", "e2", "e3")) {
            assertThat(receiver.alertsFor(id))
                .extracting(WebhookReceiver.Received::status)
                .containsOnly("firing");
          }
        }
      } finally {
        agentSide.close();
      }
    }
  }

  private static final ClusteredMonitors CLUSTER = new ClusteredMonitors(ROOT, SESSION);
}
