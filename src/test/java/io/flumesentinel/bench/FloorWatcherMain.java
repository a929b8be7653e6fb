package io.flumesentinel.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * The floor of a storm, in a process of its own: a bare ZooKeeper client with one persistent
 * recursive watch on the live path, which only counts deletions. Nothing can learn of them sooner.
 * Arguments: connect string, live path, expected deletions. Prints {@code WATCHING}, then {@code
 * ALL last=<µs>} (wall-clock microseconds) at the last expected deletion.
 */
public final class FloorWatcherMain {

  private FloorWatcherMain() {}

  public static void main(String[] args) throws Exception {
    String connect = args[0];
    String live = args[1];
    int expected = Integer.parseInt(args[2]);
    AtomicInteger deleted = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(1);
    long[] last = new long[1];
    ZooKeeper zk = DeletionFloor.connect(connect);
    zk.addWatch(
        live,
        event -> {
          if (event.getType() == Watcher.Event.EventType.NodeDeleted
              && deleted.incrementAndGet() == expected) {
            last[0] = WallClock.nowMicros();
            all.countDown();
          }
        },
        AddWatchMode.PERSISTENT_RECURSIVE);
    System.out.println("WATCHING");
    all.await();
    System.out.println("ALL last=" + last[0]);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
