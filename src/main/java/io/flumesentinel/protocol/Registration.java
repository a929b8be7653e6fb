package io.flumesentinel.protocol;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The writes of the registration protocol, shared by every side that registers agents.
 *
 * <p>All calls are asynchronous and never block the caller. A deliberate stop ({@link #deregister})
 * deletes the live node and the agent node in one ZooKeeper {@code multi}, so a watcher sees either
 * both or neither gone: it can never mistake a half-done stop for a crash.
 */
public final class Registration {

  private final AsyncCuratorFramework zk;
  private final ZkLayout layout;

  public Registration(AsyncCuratorFramework zk, ZkLayout layout) {
    this.zk = zk;
    this.layout = layout;
  }

  public ZkLayout layout() {
    return layout;
  }

  /** Creates or replaces the agent node (PERSISTENT). */
  public CompletionStage<String> register(String id, AgentNode agent) {
    return zk.create()
        .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded, CreateOption.setDataIfExists))
        .forPath(layout.agent(id), agent.toBytes());
  }

  /**
   * Replaces the data of an existing agent node, as its only writer does (e.g. a health change);
   * fails with {@code NoNode} when the agent node is gone, so a deregistered agent is never
   * registered again by accident.
   */
  public CompletionStage<Stat> update(String id, AgentNode agent) {
    return zk.setData().forPath(layout.agent(id), agent.toBytes());
  }

  /** Creates the live node (EPHEMERAL, owned by this client's session). */
  public CompletionStage<String> goLive(String id, LiveNode live) {
    return zk.create()
        .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded), CreateMode.EPHEMERAL)
        .forPath(layout.live(id), live.toBytes());
  }

  /** Deletes the live node alone: what an abnormal exit looks like to a watcher. */
  public CompletionStage<Void> dropLive(String id) {
    return zk.delete().forPath(layout.live(id));
  }

  /** Reads the agent node, or completes with {@code null} when it does not exist. */
  public CompletionStage<AgentNode> readAgent(String id) {
    return zk.getData()
        .forPath(layout.agent(id))
        .handle(
            (data, error) -> {
              if (error != null) {
                if (ZkErrors.cause(error) instanceof KeeperException.NoNodeException) {
                  return null;
                }
                throw wrap(error);
              }
              try {
                return AgentNode.parse(data);
              } catch (NodeDataException e) {
                throw wrap(e);
              }
            });
  }

  /**
   * Records one more unexpected exit in the agent node (compare-and-set on the node version, so a
   * concurrent writer is never overwritten silently).
   */
  public CompletionStage<AgentNode> recordCrash(String id, ExitRecord exit) {
    Stat stat = new Stat();
    String path = layout.agent(id);
    return zk.getData()
        .storingStatIn(stat)
        .forPath(path)
        .thenCompose(
            data -> {
              AgentNode updated;
              try {
                updated = AgentNode.parse(data).withCrash(exit);
              } catch (NodeDataException e) {
                throw wrap(e);
              }
              return zk.setData()
                  .withVersion(stat.getVersion())
                  .forPath(path, updated.toBytes())
                  .thenApply(s -> updated);
            });
  }

  /**
   * An abnormal exit, as the agent's supervisor reports it: the agent node replaced by {@code
   * withCrash} (its crash count one higher, its last exit set) and the live node deleted, in one
   * transaction (one round trip, one fsync), so a watcher never sees the live node gone without the
   * record that says why. The supervisor owns its agent node and knows its content, so nothing is
   * read first. When the live node is already gone (its session expired, or it was never created)
   * the crash is recorded alone; fails with {@code NoNode} when the agent node is gone.
   */
  public CompletionStage<Void> recordCrashAndDropLive(String id, AgentNode withCrash) {
    String agentPath = layout.agent(id);
    byte[] data = withCrash.toBytes();
    CuratorOp record = zk.transactionOp().setData().forPath(agentPath, data);
    CuratorOp drop = zk.transactionOp().delete().forPath(layout.live(id));
    return zk.transaction()
        .forOperations(List.of(record, drop))
        .<Void>thenApply(results -> null)
        .exceptionallyCompose(
            error ->
                ZkErrors.cause(error) instanceof KeeperException.NoNodeException
                    ? zk.setData().forPath(agentPath, data).thenApply(stat -> (Void) null)
                    : java.util.concurrent.CompletableFuture.failedFuture(error));
  }

  /**
   * A deliberate stop: deletes the live node (when present) and the agent node in one transaction.
   * Completes normally when the agent was not registered at all.
   */
  public CompletionStage<Boolean> deregister(String id) {
    return deregister(id, 3);
  }

  private CompletionStage<Boolean> deregister(String id, int attempts) {
    String livePath = layout.live(id);
    String agentPath = layout.agent(id);
    return zk.checkExists()
        .forPath(livePath)
        .thenCompose(
            liveStat -> {
              CuratorOp deleteAgent = zk.transactionOp().delete().forPath(agentPath);
              List<CuratorOp> ops =
                  liveStat == null
                      ? List.of(deleteAgent)
                      : List.of(zk.transactionOp().delete().forPath(livePath), deleteAgent);
              return zk.transaction().forOperations(ops);
            })
        .thenApply(results -> true)
        .exceptionallyCompose(
            error -> {
              if (!(ZkErrors.cause(error) instanceof KeeperException.NoNodeException)) {
                throw wrap(error);
              }
              // The live node went (or came) between the check and the transaction: look again.
              return attempts > 1
                  ? deregister(id, attempts - 1)
                  : zk.checkExists().forPath(agentPath).thenApply(stat -> false);
            });
  }

  private static java.util.concurrent.CompletionException wrap(Throwable error) {
    return error instanceof java.util.concurrent.CompletionException ce
        ? ce
        : new java.util.concurrent.CompletionException(error);
  }
}
