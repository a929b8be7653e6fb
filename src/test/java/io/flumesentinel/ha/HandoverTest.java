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
import io.flumesentinel.testing.TcpProxy;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * The active monitor vanishes without a clean stop (cut off from ZooKeeper for good, as a killed
 * process is) after a {@code SESSION_LOST} was delivered: the standby that takes over derives that
 * agent as {@code NOT_RUNNING}, having not seen it go, and must not send it again; the next crash
 * is sent exactly once.
 */
class HandoverTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration SESSION = Duration.ofSeconds(2);
  private static final String ROOT = "/handover";

  @Test
  void aTakeoverDoesNotResendADeliveredSessionLoss() throws Exception {
    try (TestingServer server = Zk.server();
        TcpProxy proxy = new TcpProxy("127.0.0.1", server.getPort());
        WebhookReceiver receiver = WebhookReceiver.start()) {
      CuratorFramework agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
      CuratorFramework lostHost = Zk.client(server.getConnectString(), SESSION);
      try {
        ZkLayout layout = new ZkLayout(ROOT);
        Registration agents = new Registration(AsyncCuratorFramework.wrap(agentSide), layout);
        Registration lost = new Registration(AsyncCuratorFramework.wrap(lostHost), layout);
        agents
            .register("h1", AgentNode.of("host-a", "ingest", Map.of()))
            .toCompletableFuture()
            .get();
        lost.goLive("h1", new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
        agents
            .register("h2", AgentNode.of("host-b", "ingest", Map.of()))
            .toCompletableFuture()
            .get();
        agents.goLive("h2", new LiveNode(2, Instant.now(), "", 0)).toCompletableFuture().get();

        try (Monitor first = CLUSTER.start(proxy.connectString(), receiver)) {
          await().atMost(WAIT).until(() -> active(first));
          try (Monitor standby = CLUSTER.start(server.getConnectString(), receiver)) {
            await().atMost(WAIT).until(() -> standby.readiness().ready());
            lostHost.close(); // its live node goes, no crash record: the host is gone
            await().atMost(WAIT).until(() -> firing(receiver, "h1") == 1);
            assertThat(receiver.alertsFor("h1").get(0).annotation("reason"))
                .isEqualTo("SESSION_LOST");
            await().atMost(WAIT).until(() -> CLUSTER.acknowledged(agentSide, "h1"));

            proxy.cut(); // gone for good as far as ZooKeeper can tell, as a killed process is
            await().atMost(WAIT).until(() -> active(standby));
            crash(agents, "h2", "host-b");
            await().atMost(WAIT).until(() -> firing(receiver, "h2") == 1);
            await()
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(6))
                .until(() -> firing(receiver, "h1") == 1 && firing(receiver, "h2") == 1);
            assertThat(receiver.alertsFor("h1"))
                .extracting(a -> a.status() + " " + a.annotation("reason"))
                .containsExactly("firing SESSION_LOST");
            proxy.restore(); // so that the first monitor can close its sessions
          }
        }
      } finally {
        lostHost.close();
        agentSide.close();
      }
    }
  }

  private static final ClusteredMonitors CLUSTER = new ClusteredMonitors(ROOT, SESSION);
}
