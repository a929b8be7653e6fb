package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.CoreHarness;
import io.flumesentinel.testing.TcpProxy;
import io.flumesentinel.testing.Zk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger follows its own session: in a three-server ensemble, with the ledger's client on one
 * server behind a proxy and the watching client on another, only the ledger's session is cut, for
 * twice its timeout, while ten agents crash. The alerts are sent meanwhile; once the ledger's
 * session is back, all ten are recorded, and a restarted monitor sends none of them again.
 */
class LedgerOwnSessionTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration LEDGER_SESSION = Duration.ofSeconds(2);
  private static final List<String> CRASHING =
      IntStream.rangeClosed(1, 10).mapToObj(i -> "agent-" + i).toList();

  private TestingCluster cluster;
  private List<InstanceSpec> servers;
  private CuratorFramework agentSide;
  private final ZkLayout layout = new ZkLayout("/own-session");

  @BeforeEach
  void start() throws Exception {
    List<InstanceSpec> specs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // a short tick, so that sessions of a few seconds are allowed and expire on time
      specs.add(new InstanceSpec(null, -1, -1, -1, true, i + 1, 200, 1000));
    }
    cluster = new TestingCluster(specs);
    cluster.start();
    servers = new ArrayList<>(cluster.getInstances());
    agentSide = Zk.client(direct(2), Duration.ofSeconds(4));
  }

  @AfterEach
  void stop() throws Exception {
    agentSide.close();
    cluster.close();
  }

  @Test
  void alertsSentWhileOnlyTheLedgersSessionWasCutAreRecordedOnceItIsBackAndNeverSentAgain()
      throws Exception {
    Registration agents = new Registration(AsyncCuratorFramework.wrap(agentSide), layout);
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", servers.get(0).getPort())) {
      CuratorFramework ledgerClient = throughProxyOnly(proxy.connectString());
      List<ConnectionState> ledgerStates = new CopyOnWriteArrayList<>();
      ledgerClient.getConnectionStateListenable().addListener((c, s) -> ledgerStates.add(s));

      try (CoreHarness monitor =
          new CoreHarness(direct(1), ledgerClient, layout, ClassifierConfig.defaults())) {
        await().atMost(WAIT).until(monitor.readiness::ready);

        proxy.cut();
        long cutAt = System.nanoTime();
        for (String id : CRASHING) {
          crash(agents, id);
        }
        await().atMost(WAIT).until(() -> monitor.received.size() == CRASHING.size());
        // The ledger's session is lost, and stays cut for twice its timeout.
        await().atMost(WAIT).until(() -> ledgerStates.contains(ConnectionState.LOST));
        await().atMost(WAIT).until(() -> System.nanoTime() - cutAt >= 2 * LEDGER_SESSION.toNanos());
        assertThat(recorded()).isEmpty();
        proxy.restore();

        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> assertThat(recorded()).containsExactlyInAnyOrderElementsOf(CRASHING));
        assertThat(monitor.received).extracting(Alert::agent).hasSize(CRASHING.size());
      }
    }

    try (CoreHarness restarted = new CoreHarness(direct(1), layout, ClassifierConfig.defaults())) {
      await().atMost(WAIT).until(restarted.readiness::ready);
      crash(agents, "after-restart");
      await().atMost(WAIT).until(() -> restarted.receivedFor("after-restart").size() == 1);
      assertThat(restarted.received).extracting(Alert::agent).containsExactly("after-restart");
    }
  }

  /** The agents whose down alert is recorded as acknowledged by the receiver. */
  private List<String> recorded() throws Exception {
    List<String> agents = new ArrayList<>();
    for (String id : CRASHING) {
      String path = layout.alert("FlumeAgentDown." + id);
      if (agentSide.checkExists().forPath(path) != null
          && new String(agentSide.getData().forPath(path), StandardCharsets.UTF_8)
              .contains("\"test\":\"firing\"")) {
        agents.add(id);
      }
    }
    return agents;
  }

  private String direct(int server) {
    return "127.0.0.1:" + servers.get(server).getPort();
  }

  /**
   * A client that only ever talks through {@code connect}: it does not learn the ensemble's own
   * addresses, which would take it around the proxy.
   */
  private static CuratorFramework throughProxyOnly(String connect) {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs((int) LEDGER_SESSION.toMillis())
            .connectionTimeoutMs(2000)
            .retryPolicy(new ExponentialBackoffRetry(50, 3))
            .ensembleTracker(false)
            .build();
    client.start();
    return client;
  }

  private static void crash(Registration agents, String id) throws Exception {
    agents.register(id, AgentNode.of("h", null, Map.of())).toCompletableFuture().get();
    agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    agents
        .recordCrash(id, new ExitRecord(null, "KILL", Instant.now(), ""))
        .toCompletableFuture()
        .get();
    agents.dropLive(id).toCompletableFuture().get();
  }
}
