package io.flumesentinel.supervisor;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;

/**
 * Curator's {@link PersistentNode} for the live node (EPHEMERAL, recreated after a reconnect or a
 * new session), except that {@link #close()} only stops keeping it and never deletes it. Who
 * removes the live node matters in this protocol: after a crash the supervisor removes it only once
 * the crash is recorded, and a deliberate stop removes it in the same {@code multi} as the agent
 * node. A delete of its own, even a "guaranteed" one retried after a reconnect, would break that
 * order.
 */
final class LiveNodeKeeper extends PersistentNode {

  LiveNodeKeeper(CuratorFramework client, String path, byte[] data) {
    super(client, CreateMode.EPHEMERAL, false, path, data, true);
  }

  @Override
  protected void deleteNode() {
    // on purpose: see the class comment
  }
}
