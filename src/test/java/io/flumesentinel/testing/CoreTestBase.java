package io.flumesentinel.testing;

import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Tests of the monitor's core against one real ZooKeeper server per class: each test gets a root of
 * its own, an agent-side client with its own session, and {@link #startMonitor()} for a ready
 * monitor.
 */
public abstract class CoreTestBase {

  protected static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger ROOTS = new AtomicInteger();
  protected static TestingServer server;

  protected ZkLayout layout;
  protected CuratorFramework agentSide;
  protected Registration agents;
  protected CoreHarness monitor;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    server = Zk.server();
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    server.close();
  }

  @BeforeEach
  void setUpAgentSide() {
    layout = new ZkLayout("/" + getClass().getSimpleName() + "-" + ROOTS.incrementAndGet());
    agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    agents = new Registration(AsyncCuratorFramework.wrap(agentSide), layout);
  }

  @AfterEach
  void tearDownMonitorAndAgentSide() throws Exception {
    if (monitor != null) {
      monitor.close();
    }
    agentSide.close();
  }

  /** The ledger record of alert {@code key} (its JSON), or "" when there is none. */
  protected String ledgerRecord(String key) throws Exception {
    if (agentSide.checkExists().forPath(layout.alert(key)) == null) {
      return "";
    }
    return new String(agentSide.getData().forPath(layout.alert(key)), StandardCharsets.UTF_8);
  }

  protected CoreHarness startMonitor() throws Exception {
    monitor = new CoreHarness(server.getConnectString(), layout, ClassifierConfig.defaults());
    await().atMost(WAIT).until(monitor.readiness::ready);
    return monitor;
  }
}
