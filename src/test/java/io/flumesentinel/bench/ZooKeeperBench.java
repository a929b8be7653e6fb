package io.flumesentinel.bench;

import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

/**
 * The peers every benchmark measures against: a real ZooKeeper server in its own JVM, a webhook
 * receiver, and an agent-side client with a session of its own. Started before a subclass's own
 * {@code @BeforeAll}, stopped after its {@code @AfterAll}.
 */
@Tag("bench")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ZooKeeperBench {

  protected ZooKeeperProcess zooKeeper;
  protected WebhookReceiver receiver;
  protected CuratorFramework agentSide;

  @BeforeAll
  void startPeers() throws Exception {
    zooKeeper = ZooKeeperProcess.start();
    receiver = WebhookReceiver.start();
    agentSide = Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30));
  }

  @AfterAll
  void stopPeers() throws Exception {
    if (agentSide != null) {
      agentSide.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (zooKeeper != null) {
      zooKeeper.close();
    }
  }
}
