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
 * which notes when each deletion reaches it. No watcher can learn of a crash sooner, so a crash's
 * latency minus this floor is what the monitor adds: its fence, its stages and its request. On a
 * shared machine the floor moves with the load, and the monitor's part can be told from it.
 */
final class DeletionFloor implements AutoCloseable {

  private final ZooKeeper zk;
  private final Map<String, CompletableFuture<Long>> awaited = new ConcurrentHashMap<>();

  private DeletionFloor(ZooKeeper zk) {
    this.zk = zk;
  }

  /** Connects and watches every node under {@code livePath}. */
  static DeletionFloor watch(String connect, String livePath) throws Exception {
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
    DeletionFloor floor = new DeletionFloor(zk);
    zk.addWatch(
        livePath,
        event -> {
          if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
            long now = System.nanoTime();
            CompletableFuture<Long> deletion = floor.awaited.remove(event.getPath());
            if (deletion != null) {
              deletion.complete(now);
            }
          }
        },
        AddWatchMode.PERSISTENT_RECURSIVE);
    return floor;
  }

  /**
   * The {@link System#nanoTime()} at which the next deletion of {@code path} reaches this client;
   * asked before the deletion is made.
   */
  CompletableFuture<Long> nextDeletion(String path) {
    return awaited.computeIfAbsent(path, p -> new CompletableFuture<>());
  }

  @Override
  public void close() throws InterruptedException {
    zk.close();
  }
}
