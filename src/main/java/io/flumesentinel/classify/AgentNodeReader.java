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
}
