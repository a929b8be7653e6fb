package io.flumesentinel.classify;

import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.ZkLayout;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads agent nodes with Curator's asynchronous API; the answer comes back on the caller's context.
 *
 * <p>Reads are pipelined: thousands can be in flight on one session, which is what lets a storm of
 * removals be classified in one round trip's time instead of one round trip per agent. A read issued
 * after a watch event sees at least the state of that event (ZooKeeper orders a session's reads after
 * the notifications it has delivered), so the two deletes of a deliberate stop are never seen apart.
 */
public final class ZkAgentNodeReader implements AgentNodeReader {

  private final AsyncCuratorFramework zk;
  private final ZkLayout layout;
  private final Context context;
  private final long timeoutMs;

  public ZkAgentNodeReader(AsyncCuratorFramework zk, ZkLayout layout, Context context, Duration timeout) {
    this.zk = zk;
    this.layout = layout;
    this.context = context;
    this.timeoutMs = timeout.toMillis();
  }

  @Override
  public Future<NodeData> read(String agentId) {
    Stat stat = new Stat();
    var stage =
        zk.getData()
            .storingStatIn(stat)
            .forPath(layout.agent(agentId))
            .handle(
                (data, error) -> {
                  if (error == null) {
                    return NodeData.of(data, stat);
                  }
                  Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                  if (cause instanceof KeeperException.NoNodeException) {
                    return null;
                  }
                  throw error instanceof CompletionException ce ? ce : new CompletionException(error);
                });
    return Future.fromCompletionStage(stage, context).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }
}
