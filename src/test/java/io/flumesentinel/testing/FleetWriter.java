package io.flumesentinel.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;

/**
 * Writes a large fleet's nodes quickly: creations in {@code multi}s of at most {@value
 * #PER_REQUEST} nodes and about {@value #REQUEST_BYTES} bytes (the server refuses requests over 1
 * MB), {@value #IN_FLIGHT} requests in flight. The data are written as given (no cap applies), so
 * tests can write what a hostile or broken writer would.
 */
public final class FleetWriter {

  static final int PER_REQUEST = 500;
  static final int REQUEST_BYTES = 512 * 1024;
  static final int IN_FLIGHT = 4;

  private FleetWriter() {}

  /**
   * Agent ids as large fleets name them: 38 characters, {@code
   * ingest-host-0001.dc1.example.com-a-123}.
   */
  public static List<String> longIds(int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(String.format("ingest-host-%04d.dc1.example.com-a-%03d", i / 1000, i % 1000));
    }
    return ids;
  }

  /**
   * Creates {@code parent/<id>} for every id, with {@code data.apply(id)}, through {@code client}
   * (whose session owns them when {@code mode} is ephemeral). The parent must exist.
   */
  public static void create(
      CuratorFramework client,
      String parent,
      List<String> ids,
      Function<String, byte[]> data,
      CreateMode mode)
      throws Exception {
    var zk = client.getZookeeperClient().getZooKeeper();
    List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    int next = 0;
    while (next < ids.size()) {
      List<Op> creates = new ArrayList<>();
      long bytes = 0;
      while (next < ids.size() && creates.size() < PER_REQUEST && bytes < REQUEST_BYTES) {
        String id = ids.get(next++);
        byte[] nodeData = data.apply(id);
        bytes += nodeData.length + parent.length() + id.length() + 50;
        creates.add(Op.create(parent + "/" + id, nodeData, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode));
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      zk.multi(
          creates,
          (rc, path, ctx, results) -> {
            if (rc == 0) {
              done.complete(null);
            } else {
              done.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc)));
            }
          },
          null);
      inFlight.add(done);
      if (inFlight.size() == IN_FLIGHT) {
        await(inFlight);
      }
    }
    await(inFlight);
  }

  /** The parents of a monitor's root, so {@link #create} can write under them. */
  public static void parents(CuratorFramework client, String... paths) throws Exception {
    for (String path : paths) {
      if (client.checkExists().forPath(path) == null) {
        client.create().creatingParentsIfNeeded().forPath(path);
      }
    }
  }

  private static void await(List<CompletableFuture<Void>> inFlight) throws Exception {
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    inFlight.clear();
  }
}
