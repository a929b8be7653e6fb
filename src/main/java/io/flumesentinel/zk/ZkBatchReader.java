package io.flumesentinel.zk;

import io.flumesentinel.event.NodeData;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;

/**
 * Reads many znodes in a few requests: read-only {@code multi}s of {@value #BATCH} {@code
 * getData}s, all in flight at once. ZooKeeper answers one such request about as fast as a single
 * read, so reading thousands of nodes costs a few round trips instead of thousands.
 *
 * <p>Each path comes back present (its data and stat) or absent ({@link Optional#empty()}); the
 * future fails when the answer is unknown (the connection is down). Results complete on the given
 * context. Safe to call from an event loop: Curator hands out its ZooKeeper handle without waiting.
 */
public final class ZkBatchReader {

  /** getData operations per multi request: well under the 1 MB reply limit for small nodes. */
  static final int BATCH = 500;

  private final CuratorFramework client;
  private final Context context;

  public ZkBatchReader(CuratorFramework client, Context context) {
    this.client = client;
    this.context = context;
  }

  public Future<Map<String, Optional<NodeData>>> getData(List<String> paths) {
    List<Future<List<OpResult>>> batches = new ArrayList<>();
    try {
      var zk = client.getZookeeperClient().getZooKeeper();
      for (int from = 0; from < paths.size(); from += BATCH) {
        List<Op> ops = new ArrayList<>();
        paths
            .subList(from, Math.min(paths.size(), from + BATCH))
            .forEach(path -> ops.add(Op.getData(path)));
        Promise<List<OpResult>> done = Promise.promise();
        zk.multi(
            ops,
            (rc, path, ctx, results) ->
                context.runOnContext(
                    v -> {
                      if (results != null) {
                        done.complete(results);
                      } else {
                        done.fail(KeeperException.create(KeeperException.Code.get(rc)));
                      }
                    }),
            null);
        batches.add(done.future());
      }
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    return Future.all(batches)
        .compose(
            all -> {
              Map<String, Optional<NodeData>> found = new HashMap<>(paths.size() * 2);
              for (int b = 0; b < batches.size(); b++) {
                List<OpResult> results = batches.get(b).result();
                for (int i = 0; i < results.size(); i++) {
                  String path = paths.get(b * BATCH + i);
                  OpResult result = results.get(i);
                  if (result instanceof OpResult.GetDataResult data) {
                    found.put(path, Optional.of(NodeData.of(data.getData(), data.getStat())));
                  } else if (result instanceof OpResult.ErrorResult error
                      && error.getErr() == KeeperException.Code.NONODE.intValue()) {
                    found.put(path, Optional.empty());
                  } else {
                    return Future.failedFuture(
                        new IllegalStateException("unexpected answer for " + path + ": " + result));
                  }
                }
              }
              return Future.succeededFuture(found);
            });
  }
}
