package io.flumesentinel.zk;

import io.flumesentinel.protocol.ZkErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.curator.x.async.api.DeleteOption;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes whole-state znodes under one parent (create-or-replace, or delete), batching them into
 * ZooKeeper {@code multi} transactions, so that the last value asked for each path is the one that
 * stays, without blocking, and without one fsync per write.
 *
 * <p>One transaction is in flight at a time, and at most one starts per {@code minInterval};
 * everything asked for meanwhile goes in the next one (newer values of a path replace older ones,
 * and a value is serialized only when its transaction is built). That keeps the order per path, and
 * turns a storm of thousands of writes into a few transactions that leave the server's time to the
 * reads that classify the storm. An isolated write still goes at once. When the connection is down
 * the backlog is kept and written by {@link #retryFailed()}. The writer must be the only one
 * writing these paths: it remembers which exist to choose create, set-data or delete; a transaction
 * refused because that memory was wrong is replayed path by path. Use from one context only.
 *
 * <p>With a {@link Fence}, every transaction (and every write of a replay) also checks the version
 * of the fence's znode, so that once someone else has moved it on (a new leader's term) nothing
 * more is written: the writer drops its backlog, stops, and says so once.
 */
public final class ZkBatchWriter {

  private static final Logger log = LoggerFactory.getLogger(ZkBatchWriter.class);
  private static final Supplier<byte[]> DELETE = () -> new byte[0];

  /** Well under ZooKeeper's default 1 MB request limit (jute.maxbuffer). */
  private static final int MAX_BATCH_BYTES = 512 * 1024;

  private static final int MAX_BATCH_OPS = 1000;

  private final AsyncCuratorFramework zk;
  private final Context context;
  private final Set<String> existing;
  private final LinkedHashMap<String, Supplier<byte[]>> pending = new LinkedHashMap<>();
  private final long minIntervalMs;
  private long lastStartNanos = Long.MIN_VALUE / 2;
  private long timer = -1;
  private boolean inFlight;
  private boolean waitingForConnection;
  private final Fence fence;
  private boolean fencedOff;

  /**
   * Writes are allowed while {@code path} has {@code version} and the fence is not {@link #revoke()
   * revoked}; {@code onFenced} runs (on the writer's context) the first time a write is refused
   * because the znode has moved on.
   */
  public static final class Fence {
    private final String path;
    private final int version;
    private final Runnable onFenced;
    private volatile boolean revoked;

    public Fence(String path, int version, Runnable onFenced) {
      this.path = path;
      this.version = version;
      this.onFenced = onFenced;
    }

    public String path() {
      return path;
    }

    public int version() {
      return version;
    }

    /**
     * Ends the term from outside, from any thread (leadership was lost): nothing more is written,
     * and whoever asks {@link ZkBatchWriter#fencedOff()} learns it at once.
     */
    public void revoke() {
      revoked = true;
    }

    public boolean revoked() {
      return revoked;
    }
  }

  /**
   * @param existing the paths that exist now
   * @param minInterval the least time between the starts of two transactions
   */
  public ZkBatchWriter(
      AsyncCuratorFramework zk,
      Context context,
      Set<String> existing,
      java.time.Duration minInterval) {
    this(zk, context, existing, minInterval, null);
  }

  /** A fenced writer; {@code fence} {@code null} is not fenced. */
  public ZkBatchWriter(
      AsyncCuratorFramework zk,
      Context context,
      Set<String> existing,
      java.time.Duration minInterval,
      Fence fence) {
    this.zk = zk;
    this.context = context;
    this.existing = new HashSet<>(existing);
    this.minIntervalMs = minInterval.toMillis();
    this.fence = fence;
  }

  /** Whether a newer term has fenced this writer off; it writes nothing more. */
  public boolean fencedOff() {
    return fencedOff || (fence != null && fence.revoked());
  }

  /** Writes the value {@code data} will give when the write is sent (so it is serialized once). */
  public void put(String path, Supplier<byte[]> data) {
    pending.put(path, data);
    flush();
  }

  public void delete(String path) {
    pending.put(path, DELETE);
    flush();
  }

  /** Writes the backlog kept while the connection was down. */
  public void retryFailed() {
    waitingForConnection = false;
    flush();
  }

  private void flush() {
    if (fencedOff()) {
      pending.clear();
      return;
    }
    if (inFlight || waitingForConnection || pending.isEmpty() || timer >= 0) {
      return;
    }
    long waitMs = minIntervalMs - (System.nanoTime() - lastStartNanos) / 1_000_000;
    if (waitMs > 0) {
      timer =
          context
              .owner()
              .setTimer(
                  waitMs,
                  id -> {
                    timer = -1;
                    flush();
                  });
      return;
    }
    lastStartNanos = System.nanoTime();
    Map<String, byte[]> batch = takeBatch();
    List<CuratorOp> ops = new ArrayList<>(batch.size());
    batch.forEach(
        (path, data) -> {
          if (data.length == 0) {
            if (existing.contains(path)) {
              ops.add(zk.transactionOp().delete().forPath(path));
            }
          } else if (existing.contains(path)) {
            ops.add(zk.transactionOp().setData().forPath(path, data));
          } else {
            ops.add(zk.transactionOp().create().forPath(path, data));
          }
        });
    if (ops.isEmpty()) {
      flush();
      return;
    }
    if (fence != null) {
      ops.add(0, fenceCheck());
    }
    inFlight = true;
    Future.fromCompletionStage(zk.transaction().forOperations(ops), context)
        .onComplete(
            done -> {
              if (done.succeeded()) {
                written(batch);
                inFlight = false;
                flush();
              } else if (isConnectionProblem(done.cause())) {
                requeue(batch);
                inFlight = false;
                waitingForConnection = true;
                log.warn(
                    "Could not write {} node(s) ({}); will retry when ZooKeeper is back",
                    batch.size(),
                    done.cause().toString());
              } else if (fence != null) {
                stillOurs()
                    .onComplete(
                        ours -> {
                          if (ours.failed()) {
                            requeue(batch);
                            inFlight = false;
                            waitingForConnection = true;
                          } else if (!ours.result()) {
                            inFlight = false;
                            fenced();
                          } else {
                            log.warn(
                                "Batch write refused ({}); replaying {} node(s) one by one",
                                done.cause().toString(),
                                batch.size());
                            replayOneByOne(batch)
                                .onComplete(
                                    replayed -> {
                                      inFlight = false;
                                      flush();
                                    });
                          }
                        });
              } else {
                // Our memory of what exists was wrong (someone else wrote here): replay path by
                // path.
                log.warn(
                    "Batch write refused ({}); replaying {} node(s) one by one",
                    done.cause().toString(),
                    batch.size());
                replayOneByOne(batch)
                    .onComplete(
                        replayed -> {
                          inFlight = false;
                          flush();
                        });
              }
            });
  }

  private CuratorOp fenceCheck() {
    return zk.transactionOp().check().withVersion(fence.version()).forPath(fence.path());
  }

  /** Whether the fence still has our version; fails when ZooKeeper cannot say. */
  private Future<Boolean> stillOurs() {
    return Future.fromCompletionStage(zk.checkExists().forPath(fence.path()), context)
        .map(stat -> stat != null && stat.getVersion() == fence.version());
  }

  private void fenced() {
    if (fencedOff) {
      return;
    }
    fencedOff = true;
    log.warn(
        "{} has moved past version {}: a newer term writes now; dropping {} pending write(s)",
        fence.path(),
        fence.version(),
        pending.size());
    pending.clear();
    if (timer >= 0) {
      context.owner().cancelTimer(timer);
      timer = -1;
    }
    fence.onFenced.run();
  }

  private Map<String, byte[]> takeBatch() {
    Map<String, byte[]> batch = new LinkedHashMap<>();
    int bytes = 0;
    Iterator<Map.Entry<String, Supplier<byte[]>>> it = pending.entrySet().iterator();
    while (it.hasNext() && batch.size() < MAX_BATCH_OPS && bytes < MAX_BATCH_BYTES) {
      Map.Entry<String, Supplier<byte[]>> next = it.next();
      byte[] data = next.getValue().get();
      bytes += data.length + next.getKey().length() + 64;
      batch.put(next.getKey(), data);
      it.remove();
    }
    return batch;
  }

  private void written(Map<String, byte[]> batch) {
    batch.forEach(
        (path, data) -> {
          if (data.length == 0) {
            existing.remove(path);
          } else {
            existing.add(path);
          }
        });
  }

  /** Puts a failed batch back, unless a newer value of a path has been asked for meanwhile. */
  private void requeue(Map<String, byte[]> batch) {
    LinkedHashMap<String, Supplier<byte[]>> newer = new LinkedHashMap<>(pending);
    pending.clear();
    batch.forEach((path, data) -> pending.put(path, () -> data));
    pending.putAll(newer);
  }

  private Future<Void> replayOneByOne(Map<String, byte[]> batch) {
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, byte[]> entry : batch.entrySet()) {
      chain =
          chain
              .compose(v -> writeOne(entry.getKey(), entry.getValue()))
              .recover(
                  error -> {
                    if (isConnectionProblem(error)) {
                      pending.putIfAbsent(entry.getKey(), entry::getValue);
                      waitingForConnection = true;
                    } else if (fence != null) {
                      return stillOurs()
                          .map(
                              ours -> {
                                if (!ours) {
                                  fenced();
                                } else {
                                  log.error(
                                      "Could not write {}, giving up on this value: {}",
                                      entry.getKey(),
                                      error.toString());
                                }
                                return (Void) null;
                              })
                          .otherwiseEmpty();
                    } else {
                      log.error(
                          "Could not write {}, giving up on this value: {}",
                          entry.getKey(),
                          error.toString());
                    }
                    return Future.succeededFuture();
                  });
    }
    return chain;
  }

  private Future<Void> writeOne(String path, byte[] data) {
    if (fencedOff()) {
      return Future.succeededFuture();
    }
    if (fence != null) {
      return fencedWriteOne(path, data);
    }
    if (data.length == 0) {
      return Future.fromCompletionStage(
              zk.delete().withOptions(EnumSet.of(DeleteOption.quietly)).forPath(path), context)
          .onSuccess(v -> existing.remove(path));
    }
    return Future.fromCompletionStage(
            zk.create()
                .withOptions(
                    EnumSet.of(CreateOption.createParentsIfNeeded, CreateOption.setDataIfExists))
                .forPath(path, data),
            context)
        .<Void>mapEmpty()
        .onSuccess(v -> existing.add(path));
  }

  /** One path in its own transaction with the fence's check; create, set or delete as it is now. */
  private Future<Void> fencedWriteOne(String path, byte[] data) {
    return Future.fromCompletionStage(zk.checkExists().forPath(path), context)
        .compose(
            stat -> {
              CuratorOp op;
              if (data.length == 0) {
                op = stat == null ? null : zk.transactionOp().delete().forPath(path);
              } else if (stat == null) {
                op = zk.transactionOp().create().forPath(path, data);
              } else {
                op = zk.transactionOp().setData().forPath(path, data);
              }
              if (op == null) {
                existing.remove(path);
                return Future.succeededFuture();
              }
              return Future.fromCompletionStage(
                      zk.transaction().forOperations(List.of(fenceCheck(), op)), context)
                  .<Void>mapEmpty()
                  .onSuccess(
                      v -> {
                        if (data.length == 0) {
                          existing.remove(path);
                        } else {
                          existing.add(path);
                        }
                      });
            });
  }

  private static boolean isConnectionProblem(Throwable error) {
    Throwable cause = ZkErrors.cause(error);
    return cause instanceof KeeperException.ConnectionLossException
        || cause instanceof KeeperException.SessionExpiredException
        || cause instanceof KeeperException.SessionMovedException
        || cause instanceof KeeperException.OperationTimeoutException;
  }
}
