package io.flumesentinel.classify;

import io.flumesentinel.event.NodeData;
import io.vertx.core.Future;

/**
 * "Does the agent node exist?" asked of ZooKeeper itself, not of a cache.
 *
 * <p>Three answers: the node (present), {@code null} (absent), or a failed future (unknown: the
 * connection is down or the call timed out). Unknown must never be read as absent.
 */
@FunctionalInterface
public interface AgentNodeReader {

  Future<NodeData> read(String agentId);

  /**
   * Runs {@code asking}; the reads it asks may be answered behind the watch's fence {@code fence}
   * (one the watch sent after it learnt of the change that {@code asking} handles) instead of a
   * fence of their own. A reader that asks ZooKeeper directly just runs it.
   *
   * @param fence a {@link io.flumesentinel.event.NodeChange#fence}, possibly {@link
   *     io.flumesentinel.event.NodeChange#NO_FENCE}
   */
  default void coveredBy(long fence, Runnable asking) {
    asking.run();
  }
}
