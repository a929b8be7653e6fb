package io.flumesentinel.bench;

import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Zk;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/**
 * The naive design ({@link NaiveClassifier}) in a process of its own. Arguments: connect string,
 * root, expected removals. Prints {@code WATCHING} once its cache holds every live node, then
 * {@code ALL last=<µs>} (wall-clock microseconds) when the last removal is classified.
 */
public final class NaiveWatcherMain {

  private NaiveWatcherMain() {}

  public static void main(String[] args) throws Exception {
    String connect = args[0];
    ZkLayout layout = new ZkLayout(args[1]);
    int expected = Integer.parseInt(args[2]);
    try (CuratorFramework client = Zk.client(connect, Duration.ofSeconds(30));
        NaiveClassifier naive = new NaiveClassifier(client, layout, expected)) {
      naive.start();
      System.out.println("WATCHING");
      long lastNanos = naive.allClassified().get();
      System.out.println("ALL last=" + WallClock.micros(lastNanos) + " crashed=" + naive.crashed());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
