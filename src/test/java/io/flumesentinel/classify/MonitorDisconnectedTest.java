package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.CoreHarness;
import io.flumesentinel.testing.TcpProxy;
import io.flumesentinel.testing.Zk;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * The monitor's own connection to ZooKeeper is cut (through a proxy) while agents crash and stop;
 * when it is back, what happened meanwhile is decided correctly: the crash alerts, the deliberate
 * stop does not, and nothing was decided while the state was unknown.
 */
class MonitorDisconnectedTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void changesWhileDisconnectedAreDecidedOnReconnection() throws Exception {
    ZkLayout layout = new ZkLayout("/disconnected");
    try (TestingServer server = Zk.server();
        TcpProxy proxy = new TcpProxy("127.0.0.1", server.getPort());
        CoreHarness monitor =
            new CoreHarness(proxy.connectString(), layout, ClassifierConfig.defaults())) {
      CuratorFramework agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
      try {
        Registration agents = new Registration(AsyncCuratorFramework.wrap(agentSide), layout);
        for (String id : new String[] {"crashes", "stops", "stays"}) {
          agents.register(id, AgentNode.of("h", "g", Map.of())).toCompletableFuture().get();
          agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
        }
        await()
            .atMost(WAIT)
            .until(() -> monitor.readiness.ready() && monitor.sawEvent("STARTED", "stays"));

        proxy.cut();
        await().atMost(WAIT).until(() -> !monitor.readiness.ready());
        agents
            .recordCrash("crashes", new ExitRecord(null, "KILL", Instant.now(), ""))
            .toCompletableFuture()
            .get();
        agents.dropLive("crashes").toCompletableFuture().get();
        agents.deregister("stops").toCompletableFuture().get();
        assertThat(monitor.received).isEmpty();

        proxy.restore();
        await().atMost(WAIT).until(() -> monitor.receivedFor("crashes").size() == 1);
        assertThat(monitor.receivedFor("crashes").get(0).annotations())
            .containsEntry("reason", "CRASHED")
            .containsEntry("signal", "KILL");
        // a marker crash after the reconnection: once it is in, a wrong verdict on "stops"
        // would be too
        agents.dropLive("stays").toCompletableFuture().get();
        await().atMost(WAIT).until(() -> monitor.receivedFor("stays").size() == 1);
        assertThat(monitor.receivedFor("stops")).isEmpty();
        assertThat(monitor.readiness.ready()).isTrue();
      } finally {
        agentSide.close();
      }
    }
  }
}
