package io.flumesentinel.bench;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * ZooKeeper's own part of a single crash, measured beside the monitor on the same crashes: a bare
 * ZooKeeper client with a session of its own and one persistent recursive watch on the live path,
 * which notes when each deletion reaches it, and then sends a fence as the protocol asks of any
 * watcher before it may call a removal a crash (one round trip on its session, whose answer comes
 * after every notification of the same transaction) and notes when that is answered. No watcher can
 * learn of a crash sooner, or rule out a stop sooner; what a crash takes beyond that is the
 * monitor's own. On a shared machine these floors move with the load, and the monitor's part can be
 * told from them.
 */
final class DeletionFloor implements AutoCloseable {

  private final ZooKeeper zk;
  private final Map<String, CompletableFuture<Deletion>> awaited = new ConcurrentHashMap<>();

  /** When a deletion reached the bare client, and when its fence was answered. */
  record Deletion(long notifiedNanos, long fencedNanos) {}

  /**
   * One measured crash, in nanoseconds from the moment it was caused: until its firing alert
   * reached the webhook, until the bare client was notified, and until its fence was answered.
   */
  record Crash(long toWebhook, long toNotified, long toFenced) {

    static Crash of(long causedNanos, long webhookNanos, Deletion seen) {
      return new Crash(
          webhookNanos - causedNanos,
          seen.notifiedNanos() - causedNanos,
          seen.fencedNanos() - causedNanos);
    }
  }

  private DeletionFloor(ZooKeeper zk) {
    this.zk = zk;
  }

  /** Connects and watches every node under {@code livePath}. */
  static DeletionFloor watch(String connect, String livePath) throws Exception {
    ZooKeeper zk = connect(connect);
    DeletionFloor floor = new DeletionFloor(zk);
    zk.addWatch(
        livePath,
        event -> {
          if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
            long notified = System.nanoTime();
            CompletableFuture<Deletion> deletion = floor.awaited.remove(event.getPath());
            if (deletion != null) {
              zk.exists(
                  livePath,
                  false,
                  (rc, path, ctx, stat) ->
                      deletion.complete(new Deletion(notified, System.nanoTime())),
                  null);
            }
          }
        },
        AddWatchMode.PERSISTENT_RECURSIVE);
    return floor;
  }

  /** A bare ZooKeeper client of its own session, once it is connected. */
  static ZooKeeper connect(String connect) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            30_000,
            event -> {
              if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    if (!connected.await(30, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("no connection to " + connect);
    }
    return zk;
  }

  /**
   * When ({@link System#nanoTime()}) the next deletion of {@code path} reaches this client, and its
   * fence is answered; asked before the deletion is made.
   */
  CompletableFuture<Deletion> nextDeletion(String path) {
    return awaited.computeIfAbsent(path, p -> new CompletableFuture<>());
  }

  @Override
  public void close() throws InterruptedException {
    zk.close();
  }
}
