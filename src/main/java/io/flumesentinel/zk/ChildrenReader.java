package io.flumesentinel.zk;

import io.flumesentinel.event.NodeData;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Reads every child of a znode, with data and stat, in a few round trips: one {@code getChildren},
 * then read-only {@code multi} requests of {@value #BATCH} {@code getData} each, all in flight at once.
 *
 * <p>Reading node by node costs one request each (two with a recursive cache, which also asks every
 * leaf for its children): tens of thousands of requests for a large fleet, seconds at start-up. The
 * batched read of 20,000 nodes takes about a tenth of a second. Children deleted between the listing
 * and the read are simply absent from the result.
 */
public final class ChildrenReader {

  /** getData operations per multi request: well under the 1 MB reply limit for small nodes. */
  static final int BATCH = 500;

  /**
   * @param nodes child name → data and stat
   * @param pzxid the parent's pzxid when listed: child creations and deletions up to this transaction are
   *     reflected in {@code nodes}
   */
  public record Children(Map<String, NodeData> nodes, long pzxid) {}

  private final CuratorFramework client;
  private final Context context;

  public ChildrenReader(CuratorFramework client, Context context) {
    this.client = client;
    this.context = context;
  }

  /** Completes on the context; fails when the connection is down. A missing parent has no children. */
  public Future<Children> read(String parent) {
    Stat parentStat = new Stat();
    return Future.fromCompletionStage(
            AsyncCuratorFramework.wrap(client).getChildren().storingStatIn(parentStat).forPath(parent), context)
        .recover(error -> rootCause(error) instanceof KeeperException.NoNodeException
            ? Future.succeededFuture(List.of())
            : Future.failedFuture(error))
        .compose(names -> names.isEmpty()
            ? Future.succeededFuture(new Children(Map.of(), parentStat.getPzxid()))
            : readData(parent, names).map(nodes -> new Children(nodes, parentStat.getPzxid())));
  }

  private Future<Map<String, NodeData>> readData(String parent, List<String> names) {
    // Curator hands out the raw handle only after a check that may wait; keep it off the event loop.
    return context.<ZooKeeper>executeBlocking(() -> client.getZookeeperClient().getZooKeeper()).compose(zk -> {
      List<Future<List<OpResult>>> batches = new ArrayList<>();
      for (int from = 0; from < names.size(); from += BATCH) {
        List<String> batch = names.subList(from, Math.min(names.size(), from + BATCH));
        List<Op> ops = new ArrayList<>(batch.size());
        batch.forEach(name -> ops.add(Op.getData(parent + "/" + name)));
        Promise<List<OpResult>> done = Promise.promise();
        zk.multi(ops, (rc, path, ctx, results) -> context.runOnContext(v -> {
          if (rc == KeeperException.Code.OK.intValue() || results != null) {
            done.complete(results);
          } else {
            done.fail(KeeperException.create(KeeperException.Code.get(rc), parent));
          }
        }), null);
        batches.add(done.future());
      }
      return Future.all(batches).map(all -> {
        Map<String, NodeData> nodes = new HashMap<>(names.size() * 2);
        for (int b = 0; b < batches.size(); b++) {
          List<OpResult> results = batches.get(b).result();
          for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof OpResult.GetDataResult found) {
              nodes.put(names.get(b * BATCH + i), NodeData.of(found.getData(), found.getStat()));
            }
          }
        }
        return nodes;
      });
    });
  }

  static Throwable rootCause(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }
}
