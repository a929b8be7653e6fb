package io.flumesentinel.zk;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.WatchedEvent;

/**
 * Keeps a small set of znodes read: runs a load whenever a child of {@code parent} is created,
 * changed or removed, and each time the watch is set again after a reconnection (what changed
 * meanwhile is read then). One load runs at a time; changes seen during a load ask for one more
 * after it, so a burst of changes costs two loads, not one per change.
 *
 * <p>The watch is Curator's {@link PersistentWatcher} (a persistent recursive watch); its callbacks
 * hop onto {@code context}, where the load runs. Used from that context only.
 */
public final class WatchedReload {

  private final CuratorFramework client;
  private final String parent;
  private final Context context;
  private final Supplier<Future<?>> load;
  private PersistentWatcher watcher;
  private boolean loading;
  private boolean loadAgain;

  /**
   * @param load reads the children and applies them; it handles its own failures (a failed load
   *     only ends this round)
   */
  public WatchedReload(
      CuratorFramework client, String parent, Context context, Supplier<Future<?>> load) {
    this.client = client;
    this.parent = parent;
    this.context = context;
    this.load = load;
  }

  /** Sets the watch; the loads it triggers run on the context. */
  public void start() {
    Executor onContext = task -> context.runOnContext(v -> task.run());
    watcher = new PersistentWatcher(client, parent, true);
    watcher.getListenable().addListener(event -> onContext.execute(() -> watched(event)));
    watcher.getResetListenable().addListener(() -> onContext.execute(this::reload));
    watcher.start();
  }

  /** Loads again now, or once the load in progress is done. */
  public void reload() {
    if (loading) {
      loadAgain = true;
      return;
    }
    loading = true;
    load.get()
        .onComplete(
            done -> {
              loading = false;
              if (loadAgain) {
                loadAgain = false;
                reload();
              }
            });
  }

  public void close() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private void watched(WatchedEvent event) {
    if (event.getPath() != null && event.getPath().startsWith(parent + "/")) {
      reload();
    }
  }
}
