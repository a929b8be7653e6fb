package io.flumesentinel.zk;

import io.flumesentinel.protocol.ZkErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.curator.x.async.api.DeleteOption;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.proto.CreateRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes whole-state znodes under one parent (create-or-replace, or delete), batching them into
 * ZooKeeper {@code multi} transactions, so that the last value asked for each path is the one that
 * stays, without blocking, and without one fsync per write. Any value may be written, the empty one
 * included.
 *
 * <p>One transaction is in flight at a time, and at most one starts per {@code minInterval};
 * everything asked for meanwhile goes in the next one (newer values of a path replace older ones,
 * and a value is serialized only when its transaction is built). That keeps the order per path, and
 * turns a storm of thousands of writes into a few transactions that leave the server's time to the
 * reads that classify the storm. An isolated write still goes at once. When the connection is down
 * the backlog is kept and written as soon as the writer's own client is connected again (it follows
 * that client's connection state, not anyone else's), or by {@link #retryFailed()}, and in any case
 * tried again every {@link #RETRY_INTERVAL}. The writer must be the only one writing these paths:
 * it remembers which exist to choose create, set-data or delete; a transaction refused because that
 * memory was wrong is replayed path by path. Use from one context only, and {@link #close()} it
 * when done.
 *
 * <p>Every request is sized in bytes: a transaction holds at most {@value #MAX_REQUEST_BYTES} bytes
 * of paths and values, well under ZooKeeper's 1 MB request limit ({@code jute.maxbuffer}), because
 * a server that receives a larger request closes the connection, failing everything in flight on
 * it. A single write larger than that is a bad value, not a connection problem: it is logged once
 * (its path and size, never its data), {@link #oversizeDropped() counted} and dropped, never sent;
 * the node keeps its earlier value, and the other writes go on.
 *
 * <p>With a {@link Fence}, every transaction (and every write of a replay) also checks the version
 * of the fence's znode, so that once someone else has moved it on (a new leader's term) nothing
 * more is written: the writer drops its backlog, stops, and says so once.
 */
public final class ZkBatchWriter {

  private static final Logger log = LoggerFactory.getLogger(ZkBatchWriter.class);

  /**
   * The most bytes of paths and values one request (a transaction, or one write of a replay) may
   * carry: half of ZooKeeper's default 1 MB request limit ({@code jute.maxbuffer}), leaving room
   * for the per-operation framing and the fence's check. A write larger than this on its own is
   * dropped.
   */
  public static final int MAX_REQUEST_BYTES = 512 * 1024;

  /**
   * What one operation takes in a request besides its path and value: its header, the lengths, the
   * ACL and flags of a create (generously).
   */
  private static final int OP_OVERHEAD_BYTES = 128;

  /** How soon a request that failed while the client still says it is connected is tried again. */
  private static final long CONNECTED_RETRY_MS = 1000;

  /** How often a backlog kept while ZooKeeper was away is tried again without being told. */
  public static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

  private static final int MAX_BATCH_OPS = 1000;

  /** What a transaction does with one path. */
  private sealed interface Op permits Write, Delete {}

  /** Create the node with {@code data}, or replace its data; {@code data} may be empty. */
  private record Write(byte[] data) implements Op {}

  /** Remove the node, if it exists. */
  private record Delete() implements Op {}

  private static final Op DELETE = new Delete();

  private final AsyncCuratorFramework zk;
  private final Context context;
  private final ConnectionStateListener connectionListener;
  private volatile long oversizeDropped;
  private long retryTimer = -1;
  private boolean closed;
  private final Set<String> existing;

  /** Path → the operation asked for last, built (and so serialized) when its batch is taken. */
  private final LinkedHashMap<String, Supplier<Op>> pending = new LinkedHashMap<>();

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
   *
   * <p>Besides, whoever owns the term may {@link #hold()} it while its session is in doubt: writes
   * go on (the version check guards them), but whoever sends on the term's behalf keeps what it
   * would send until the fence is {@link #release() released} (the same session is back) or revoked
   * (the session is lost: what was kept is dropped). Every method may be called from any thread.
   */
  public static final class Fence {

    /** Where a term stands. */
    public enum State {
      /** The term sends. */
      OPEN,
      /** The term's session is in doubt: it keeps what it would send. */
      HELD,
      /** The term is over: nothing more is written or sent. Final. */
      REVOKED
    }

    private final String path;
    private final int version;
    private final Runnable onFenced;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    private volatile Runnable onReleased = () -> {};

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
      state.set(State.REVOKED);
    }

    public boolean revoked() {
      return state.get() == State.REVOKED;
    }

    /** The term's session is in doubt: keep what would be sent. No effect once revoked. */
    public void hold() {
      state.compareAndSet(State.OPEN, State.HELD);
    }

    /**
     * The term's session is back: send what was kept. Runs the {@link #whenReleased} action (on the
     * caller's thread) if the fence was held; no effect once revoked.
     */
    public void release() {
      if (state.compareAndSet(State.HELD, State.OPEN)) {
        onReleased.run();
      }
    }

    public boolean held() {
      return state.get() == State.HELD;
    }

    public State state() {
      return state.get();
    }

    /** What to run when a hold ends with the term still open; replaces an earlier action. */
    public void whenReleased(Runnable action) {
      onReleased = action;
    }
  }

  /**
   * @param existing the paths that exist now
   * @param minInterval the least time between the starts of two transactions
   */
  public ZkBatchWriter(
      AsyncCuratorFramework zk, Context context, Set<String> existing, Duration minInterval) {
    this(zk, context, existing, minInterval, null);
  }

  /** A fenced writer; {@code fence} {@code null} is not fenced. */
  public ZkBatchWriter(
      AsyncCuratorFramework zk,
      Context context,
      Set<String> existing,
      Duration minInterval,
      Fence fence) {
    this.zk = zk;
    this.context = context;
    this.existing = new HashSet<>(existing);
    this.minIntervalMs = minInterval.toMillis();
    this.fence = fence;
    this.connectionListener =
        (client, state) -> {
          if (state.isConnected()) {
            retryFailed();
          }
        };
    zk.unwrap()
        .getConnectionStateListenable()
        .addListener(connectionListener, task -> context.runOnContext(v -> task.run()));
  }

  /**
   * Stops following the client's connection and writing: what is still pending is not written. Call
   * on the writer's context.
   */
  public void close() {
    closed = true;
    zk.unwrap().getConnectionStateListenable().removeListener(connectionListener);
    cancelRetryTimer();
    if (timer >= 0) {
      context.owner().cancelTimer(timer);
      timer = -1;
    }
  }

  /**
   * How many values were dropped because they alone were larger than {@link #MAX_REQUEST_BYTES}
   * (each also logged once), since the writer was made.
   */
  public long oversizeDropped() {
    return oversizeDropped;
  }

  /** Whether a newer term has fenced this writer off; it writes nothing more. */
  public boolean fencedOff() {
    return fencedOff || (fence != null && fence.revoked());
  }

  /**
   * Writes the value {@code data} will give when the write is sent (so it is serialized once); an
   * empty value makes an empty node.
   */
  public void put(String path, Supplier<byte[]> data) {
    pending.put(path, () -> new Write(data.get()));
    flush();
  }

  public void delete(String path) {
    pending.put(path, () -> DELETE);
    flush();
  }

  /**
   * Writes the backlog kept while the connection was down; the writer also does so by itself when
   * its client is connected again.
   */
  public void retryFailed() {
    waitingForConnection = false;
    cancelRetryTimer();
    flush();
  }

  private void cancelRetryTimer() {
    if (retryTimer >= 0) {
      context.owner().cancelTimer(retryTimer);
      retryTimer = -1;
    }
  }

  /** Starts the next transaction if one may start now, or sets the timer for when one may. */
  private void flush() {
    if (fencedOff() || closed) {
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
    Map<String, Op> batch = takeBatch();
    List<CuratorOp> ops = new ArrayList<>(batch.size() + 1);
    batch.forEach(
        (path, op) -> {
          CuratorOp transactionOp = transactionOp(path, op, existing.contains(path));
          if (transactionOp != null) {
            ops.add(transactionOp);
          }
        });
    if (ops.isEmpty()) {
      flush(); // only deletions of nodes that do not exist, or values dropped: nothing to send
      return;
    }
    inFlight = true;
    commit(batch, ops)
        .onComplete(
            done -> {
              inFlight = false;
              flush();
            });
  }

  /**
   * Sends {@code ops}, the operations of {@code batch}, as one transaction behind the fence's
   * check, and deals with a refusal; never fails.
   */
  private Future<Void> commit(Map<String, Op> batch, List<CuratorOp> ops) {
    if (fence != null) {
      ops.add(0, fenceCheck());
    }
    return Future.fromCompletionStage(zk.transaction().forOperations(ops), context)
        .transform(
            done -> {
              if (done.succeeded()) {
                batch.forEach(this::remember);
                return Future.succeededFuture();
              }
              return refused(batch, done.cause());
            });
  }

  /**
   * A refused transaction: with ZooKeeper away the batch waits for it; when the fence has moved the
   * writer stops; otherwise its memory of what exists was wrong (someone else wrote here) and the
   * batch is replayed path by path. Never fails.
   */
  private Future<Void> refused(Map<String, Op> batch, Throwable error) {
    if (isConnectionProblem(error)) {
      waitForConnection(batch, error);
      return Future.succeededFuture();
    }
    return stillOurs()
        .transform(
            ours -> {
              if (ours.failed()) {
                waitForConnection(batch, ours.cause());
                return Future.succeededFuture();
              }
              if (!ours.result()) {
                fenced();
                return Future.succeededFuture();
              }
              log.warn(
                  "Batch write refused ({}); replaying {} node(s) one by one",
                  error.toString(),
                  batch.size());
              return replayOneByOne(batch);
            });
  }

  /** Puts a failed batch back to be written when the connection is usable again. */
  private void waitForConnection(Map<String, Op> batch, Throwable error) {
    requeue(batch);
    waitUntilConnected();
    log.warn(
        "Could not write {} node(s) ({}); will retry when ZooKeeper is back",
        batch.size(),
        error.toString());
  }

  /**
   * Holds the backlog until the client is connected again. The connection may have come back while
   * the failed request was still out (its state change is then already past), so the backlog is
   * also tried again after {@link #RETRY_INTERVAL}, and at once if the client says it is connected
   * now.
   */
  private void waitUntilConnected() {
    waitingForConnection = true;
    if (closed || retryTimer >= 0) {
      return;
    }
    long delay =
        zk.unwrap().getZookeeperClient().isConnected()
            ? Math.max(minIntervalMs, CONNECTED_RETRY_MS)
            : RETRY_INTERVAL.toMillis();
    retryTimer =
        context
            .owner()
            .setTimer(
                delay,
                id -> {
                  retryTimer = -1;
                  retryFailed();
                });
  }

  /** Writes each path of {@code batch} on its own, in order; never fails. */
  private Future<Void> replayOneByOne(Map<String, Op> batch) {
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, Op> entry : batch.entrySet()) {
      String path = entry.getKey();
      Op op = entry.getValue();
      chain = chain.compose(v -> writeOne(path, op).recover(error -> notWritten(path, op, error)));
    }
    return chain;
  }

  /**
   * One path of a replay was refused: it waits for the connection, or the fence has moved, or the
   * value is given up (logged). Never fails.
   */
  private Future<Void> notWritten(String path, Op op, Throwable error) {
    if (isConnectionProblem(error)) {
      pending.putIfAbsent(path, () -> op);
      waitUntilConnected();
      return Future.succeededFuture();
    }
    return stillOurs()
        .<Void>map(
            ours -> {
              if (!ours) {
                fenced();
              } else {
                log.error(
                    "Could not write {}, giving up on this value: {}", path, error.toString());
              }
              return null;
            })
        .otherwiseEmpty();
  }

  /**
   * One path on its own: behind the fence's check if there is one, else create-or-set or delete.
   */
  private Future<Void> writeOne(String path, Op op) {
    if (fencedOff()) {
      return Future.succeededFuture();
    }
    if (fence != null) {
      return fencedWriteOne(path, op);
    }
    Future<?> written =
        op instanceof Write write
            ? Future.fromCompletionStage(
                zk.create()
                    .withOptions(
                        EnumSet.of(
                            CreateOption.createParentsIfNeeded, CreateOption.setDataIfExists))
                    .forPath(path, write.data()),
                context)
            : Future.fromCompletionStage(
                zk.delete().withOptions(EnumSet.of(DeleteOption.quietly)).forPath(path), context);
    return written.<Void>mapEmpty().onSuccess(v -> remember(path, op));
  }

  /** One path in its own transaction with the fence's check; create, set or delete as it is now. */
  private Future<Void> fencedWriteOne(String path, Op op) {
    return Future.fromCompletionStage(zk.checkExists().forPath(path), context)
        .compose(
            stat -> {
              CuratorOp transactionOp = transactionOp(path, op, stat != null);
              if (transactionOp == null) {
                remember(path, op);
                return Future.succeededFuture();
              }
              return Future.fromCompletionStage(
                      zk.transaction().forOperations(List.of(fenceCheck(), transactionOp)), context)
                  .<Void>mapEmpty()
                  .onSuccess(v -> remember(path, op));
            });
  }

  /**
   * {@code op} on {@code path} as a transaction operation; {@code null} when there is none to do.
   */
  private CuratorOp transactionOp(String path, Op op, boolean exists) {
    if (op instanceof Write write) {
      return exists
          ? zk.transactionOp().setData().forPath(path, write.data())
          : zk.transactionOp().create().forPath(path, write.data());
    }
    return exists ? zk.transactionOp().delete().forPath(path) : null;
  }

  /** What exists once {@code op} on {@code path} is done. */
  private void remember(String path, Op op) {
    if (op instanceof Write) {
      existing.add(path);
    } else {
      existing.remove(path);
    }
  }

  private CuratorOp fenceCheck() {
    return zk.transactionOp().check().withVersion(fence.version()).forPath(fence.path());
  }

  /**
   * Whether the fence still has our version (always, without a fence); fails when ZooKeeper cannot
   * say.
   */
  private Future<Boolean> stillOurs() {
    if (fence == null) {
      return Future.succeededFuture(true);
    }
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
    cancelRetryTimer();
    if (timer >= 0) {
      context.owner().cancelTimer(timer);
      timer = -1;
    }
    fence.onFenced.run();
  }

  /**
   * Takes the oldest pending operations, up to a transaction's worth in count and in bytes,
   * building their values; a value that alone is over {@link #MAX_REQUEST_BYTES} is dropped. The
   * first operation that does not fit stays pending, its value kept built.
   */
  private Map<String, Op> takeBatch() {
    Map<String, Op> batch = new LinkedHashMap<>();
    long bytes = 0;
    Iterator<Map.Entry<String, Supplier<Op>>> it = pending.entrySet().iterator();
    while (it.hasNext() && batch.size() < MAX_BATCH_OPS) {
      Map.Entry<String, Supplier<Op>> next = it.next();
      String path = next.getKey();
      Op op = next.getValue().get();
      long size = requestBytes(path, op);
      if (size > MAX_REQUEST_BYTES) {
        it.remove();
        dropOversize(path, op);
        continue;
      }
      if (bytes + size > MAX_REQUEST_BYTES) {
        next.setValue(() -> op); // the next transaction's first
        break;
      }
      bytes += size;
      batch.put(path, op);
      it.remove();
    }
    return batch;
  }

  /** What {@code op} on {@code path} takes in a request, framing included. */
  private long requestBytes(String path, Op op) {
    int data = op instanceof Write write ? write.data().length + aclBytes(path) : 0;
    return (long) path.getBytes(StandardCharsets.UTF_8).length + data + OP_OVERHEAD_BYTES;
  }

  /**
   * The ACL a create of {@code path} carries, beyond what {@link #OP_OVERHEAD_BYTES} allows for:
   * with configured ACLs ({@code zookeeper.acl}) it lists every id of the roles that may touch the
   * path, each with its scheme and a length, which a long list of digest ids makes add up.
   */
  private int aclBytes(String path) {
    // The client's ACL provider is not public; the create it would build for the path carries it.
    if (!(zk.transactionOp().create().forPath(path).get().toRequestRecord()
        instanceof CreateRequest create)) {
      return 0;
    }
    int bytes = 0;
    for (ACL acl : create.getAcl()) {
      bytes +=
          12
              + acl.getId().getScheme().getBytes(StandardCharsets.UTF_8).length
              + acl.getId().getId().getBytes(StandardCharsets.UTF_8).length;
    }
    return bytes;
  }

  /** A value that can never be sent: said once (its path and size), counted, and forgotten. */
  private void dropOversize(String path, Op op) {
    oversizeDropped++;
    log.error(
        "Not writing {}: its value of {} bytes is more than one ZooKeeper request may carry here"
            + " ({} bytes with its path); dropped, the node keeps its earlier value",
        path,
        op instanceof Write write ? write.data().length : 0,
        MAX_REQUEST_BYTES);
  }

  /** Puts a failed batch back, unless a newer value of a path has been asked for meanwhile. */
  private void requeue(Map<String, Op> batch) {
    LinkedHashMap<String, Supplier<Op>> newer = new LinkedHashMap<>(pending);
    pending.clear();
    batch.forEach((path, op) -> pending.put(path, () -> op));
    pending.putAll(newer);
  }

  private static boolean isConnectionProblem(Throwable error) {
    Throwable cause = ZkErrors.cause(error);
    return cause instanceof KeeperException.ConnectionLossException
        || cause instanceof KeeperException.SessionExpiredException
        || cause instanceof KeeperException.SessionMovedException
        || cause instanceof KeeperException.OperationTimeoutException;
  }
}
