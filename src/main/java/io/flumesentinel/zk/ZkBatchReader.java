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
 * Reads many znodes in a few requests: read-only {@code multi}s of {@code getData}s, all in flight
 * at once. ZooKeeper answers one such request about as fast as a single read, so reading thousands
 * of nodes costs a few round trips instead of thousands.
 *
 * <p>Each request is sized in bytes, not in nodes: its expected reply stays under {@value
 * #REPLY_BUDGET_BYTES} bytes, far below the 1 MB a ZooKeeper client accepts by default. A node's
 * expected size is its data length when this reader last read it, if that was more than {@value
 * #ASSUMED_NODE_BYTES} bytes, and {@value #ASSUMED_NODE_BYTES} bytes otherwise. Only the larger
 * nodes are remembered, so the memory this takes grows with the number of large nodes, not with the
 * fleet. A guess can still be wrong (a node that grew since, or was never read): the client then
 * drops the connection on the oversize reply and the request fails with a connection loss; that
 * request is split in two and each half sent again (the client holds them until it has reconnected,
 * in the same session), down to single reads. A single read that still fails, or any other failure,
 * fails the whole answer: unknown, never absent.
 *
 * <p>Each path comes back present (its data and stat) or absent ({@link Optional#empty()}); the
 * future fails when the answer is unknown (the connection is down). Results complete on the given
 * context. Safe to call from an event loop: Curator hands out its ZooKeeper handle without waiting.
 * Not thread-safe: call from the given context only.
 */
public final class ZkBatchReader {

  /** The expected reply of one multi stays under this: half the default client limit. */
  static final int REPLY_BUDGET_BYTES = 512 * 1024;

  /** What a node never read (or last read small) is expected to hold. */
  static final int ASSUMED_NODE_BYTES = 1024;

  /** A getData result's bytes besides the data: result header, length prefix and stat. */
  static final int RESULT_OVERHEAD_BYTES = 100;

  /** Keeps the request itself (one path per read) small, whatever the replies. */
  static final int MAX_READS_PER_REQUEST = 1000;

  /**
   * Large nodes remembered at most; past that the memory starts over (nodes deleted meanwhile are
   * never read again to be forgotten), which costs only guesses.
   */
  static final int MAX_REMEMBERED = 100_000;

  private final CuratorFramework client;
  private final Context context;

  /** Data length by path, for the nodes last read larger than {@link #ASSUMED_NODE_BYTES}. */
  private final Map<String, Integer> largeNodes = new HashMap<>();

  public ZkBatchReader(CuratorFramework client, Context context) {
    this.client = client;
    this.context = context;
  }

  public Future<Map<String, Optional<NodeData>>> getData(List<String> paths) {
    Map<String, Optional<NodeData>> found = new HashMap<>(paths.size() * 2);
    List<Future<Void>> batches = new ArrayList<>();
    for (List<String> batch : plan(paths)) {
      batches.add(read(batch, found));
    }
    return Future.all(batches).map(all -> found);
  }

  /** The paths cut into requests whose expected replies stay within the budget. */
  List<List<String>> plan(List<String> paths) {
    List<List<String>> batches = new ArrayList<>();
    List<String> batch = new ArrayList<>();
    long expected = 0;
    for (String path : paths) {
      long size = expectedBytes(path);
      if (!batch.isEmpty()
          && (expected + size > REPLY_BUDGET_BYTES || batch.size() == MAX_READS_PER_REQUEST)) {
        batches.add(batch);
        batch = new ArrayList<>();
        expected = 0;
      }
      batch.add(path);
      expected += size;
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  private long expectedBytes(String path) {
    return (long) largeNodes.getOrDefault(path, ASSUMED_NODE_BYTES)
        + RESULT_OVERHEAD_BYTES
        + path.length();
  }

  /** One multi, its answers put in {@code found}; on a connection loss, its two halves instead. */
  private Future<Void> read(List<String> batch, Map<String, Optional<NodeData>> found) {
    return multi(batch, found)
        .recover(
            error -> {
              if (batch.size() == 1
                  || !(error instanceof KeeperException e
                      && e.code() == KeeperException.Code.CONNECTIONLOSS)) {
                return Future.failedFuture(error);
              }
              List<String> first = batch.subList(0, batch.size() / 2);
              List<String> second = batch.subList(batch.size() / 2, batch.size());
              return Future.all(read(first, found), read(second, found)).mapEmpty();
            });
  }

  private Future<Void> multi(List<String> batch, Map<String, Optional<NodeData>> found) {
    Promise<List<OpResult>> done = Promise.promise();
    try {
      List<Op> ops = new ArrayList<>(batch.size());
      batch.forEach(path -> ops.add(Op.getData(path)));
      client
          .getZookeeperClient()
          .getZooKeeper()
          .multi(
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
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    return done.future().compose(results -> answers(batch, results, found));
  }

  private Future<Void> answers(
      List<String> batch, List<OpResult> results, Map<String, Optional<NodeData>> found) {
    for (int i = 0; i < results.size(); i++) {
      String path = batch.get(i);
      OpResult result = results.get(i);
      if (result instanceof OpResult.GetDataResult data) {
        remember(path, data.getStat().getDataLength());
        found.put(path, Optional.of(NodeData.of(data.getData(), data.getStat())));
      } else if (result instanceof OpResult.ErrorResult error
          && error.getErr() == KeeperException.Code.NONODE.intValue()) {
        largeNodes.remove(path);
        found.put(path, Optional.empty());
      } else {
        return Future.failedFuture(
            new IllegalStateException("unexpected answer for " + path + ": " + result));
      }
    }
    return Future.succeededFuture();
  }

  private void remember(String path, int dataLength) {
    if (dataLength > ASSUMED_NODE_BYTES) {
      if (largeNodes.size() >= MAX_REMEMBERED && !largeNodes.containsKey(path)) {
        largeNodes.clear();
      }
      largeNodes.put(path, dataLength);
    } else {
      largeNodes.remove(path);
    }
  }
}
