package io.flumesentinel.zk;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.curator.x.async.api.DeleteOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes whole-state znodes (create-or-replace, or delete) so that the last value asked for is the one
 * that stays, without blocking and without waiting for ZooKeeper between keys.
 *
 * <p>Writes to different paths are pipelined. Writes to one path are serialized: while one is in
 * flight, later values replace each other and only the newest is written next — a create that falls
 * back to a set-data can therefore never land after a newer value. A write that fails (the connection
 * is down) is kept and written again by {@link #retryFailed()}. Use from one context only.
 */
public final class ZkKeyedWriter {

  private static final Logger log = LoggerFactory.getLogger(ZkKeyedWriter.class);
  private static final byte[] DELETE = new byte[0];

  private final AsyncCuratorFramework zk;
  private final Context context;
  private final Map<String, byte[]> pending = new HashMap<>();
  private final Set<String> inFlight = new java.util.HashSet<>();
  private final Set<String> failed = new LinkedHashSet<>();

  public ZkKeyedWriter(AsyncCuratorFramework zk, Context context) {
    this.zk = zk;
    this.context = context;
  }

  public void put(String path, byte[] data) {
    submit(path, data);
  }

  public void delete(String path) {
    submit(path, DELETE);
  }

  /** Writes again every path whose last write failed. */
  public void retryFailed() {
    Set<String> again = new LinkedHashSet<>(failed);
    failed.clear();
    again.forEach(this::drain);
  }

  /** Paths not yet written as last asked. */
  public int backlog() {
    return pending.size() + inFlight.size();
  }

  private void submit(String path, byte[] data) {
    pending.put(path, data);
    failed.remove(path);
    if (!inFlight.contains(path)) {
      drain(path);
    }
  }

  private void drain(String path) {
    byte[] data = pending.remove(path);
    if (data == null) {
      return;
    }
    inFlight.add(path);
    write(path, data).onComplete(done -> {
      inFlight.remove(path);
      if (done.failed()) {
        pending.putIfAbsent(path, data);
        if (failed.add(path)) {
          log.warn("Could not write {} ({}); will retry when ZooKeeper is back", path, done.cause().toString());
        }
        return;
      }
      drain(path);
    });
  }

  private Future<?> write(String path, byte[] data) {
    if (data == DELETE) {
      return Future.fromCompletionStage(zk.delete().withOptions(EnumSet.of(DeleteOption.quietly)).forPath(path), context);
    }
    return Future.fromCompletionStage(
        zk.create()
            .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded, CreateOption.setDataIfExists))
            .forPath(path, data),
        context);
  }
}
