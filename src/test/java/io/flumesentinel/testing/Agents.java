package io.flumesentinel.testing;

import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.KeeperException;

/** Agents' nodes in ZooKeeper (default layout), as end-to-end tests read and write them. */
public final class Agents {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();

  private Agents() {}

  /** The live node of {@code id}, or null. */
  public static LiveNode live(CuratorFramework zk, String id) throws Exception {
    try {
      return LiveNode.parse(zk.getData().forPath(LAYOUT.live(id)));
    } catch (KeeperException.NoNodeException e) {
      return null;
    }
  }

  /** Waits for a live node of {@code id} whose pid is not {@code notPid}, and returns it. */
  public static LiveNode awaitLive(CuratorFramework zk, String id, long notPid, Duration atMost) {
    LiveNode[] found = new LiveNode[1];
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> (found[0] = live(zk, id)) != null && found[0].pid() != notPid);
    return found[0];
  }

  /**
   * Registers {@code id}, makes it live and drops the live node alone: an alert the monitor must
   * send.
   */
  public static void crashMarker(CuratorFramework zk, String id) throws Exception {
    Registration registration = new Registration(AsyncCuratorFramework.wrap(zk), LAYOUT);
    registration
        .register(id, AgentNode.of("host-m", "e2e", Map.of()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    registration
        .goLive(id, new LiveNode(1, Instant.now(), "test", 0))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    // let the monitor see the run before it ends, as with a real agent
    await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> true);
    registration.dropLive(id).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
