package io.flumesentinel.bench;

import io.flumesentinel.protocol.ZkLayout;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.PathChildrenCache;
import org.apache.curator.framework.recipes.cache.PathChildrenCacheEvent;
import org.apache.curator.utils.ZKPaths;

/**
 * The baseline the storm benchmark compares the monitor with: the obvious design, a {@link
 * PathChildrenCache} on the live path whose listener classifies each removal with a synchronous
 * {@code checkExists} of the agent node, one round trip after another on the cache's single event
 * thread. It only counts verdicts; it sends nothing.
 */
@SuppressWarnings(
    "deprecation") // PathChildrenCache is deprecated; being the naive design is the point
final class NaiveClassifier implements AutoCloseable {

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final int expected;
  private final PathChildrenCache cache;
  private final CountDownLatch initialized = new CountDownLatch(1);
  private final CompletableFuture<Long> allClassified = new CompletableFuture<>();
  private int classified;
  private int crashed;

  NaiveClassifier(CuratorFramework client, ZkLayout layout, int expected) {
    this.client = client;
    this.layout = layout;
    this.expected = expected;
    this.cache = new PathChildrenCache(client, layout.live(), false);
    cache
        .getListenable()
        .addListener(
            (c, event) -> {
              if (event.getType() == PathChildrenCacheEvent.Type.INITIALIZED) {
                initialized.countDown();
              } else if (event.getType() == PathChildrenCacheEvent.Type.CHILD_REMOVED) {
                classify(ZKPaths.getNodeFromPath(event.getData().getPath()));
              }
            });
  }

  /**
   * The longest {@link #start} waits for the cache to hold every live node: it reads them one by
   * one, and 20,000 of them, while the monitor beside it plays its rehearsal, have taken over a
   * minute on a slow day.
   */
  static final Duration LOADED_WITHIN = Duration.ofMinutes(5);

  /** Starts the cache and returns once it holds every live node. */
  void start() throws Exception {
    cache.start(PathChildrenCache.StartMode.POST_INITIALIZED_EVENT);
    if (!initialized.await(LOADED_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("PathChildrenCache of " + layout.live() + " not initialized");
    }
  }

  /** Completes with the nanoTime at which the {@code expected}-th removal was classified. */
  CompletableFuture<Long> allClassified() {
    return allClassified;
  }

  /** Removals classified as abnormal (agent node still present). */
  int crashed() {
    return crashed;
  }

  private void classify(String id) throws Exception {
    // Synchronous on purpose: this is the round trip per removal that the monitor's
    // pipelined reads avoid.
    boolean registered = client.checkExists().forPath(layout.agent(id)) != null;
    if (registered) {
      crashed++;
    }
    if (++classified == expected) {
      allClassified.complete(System.nanoTime());
    }
  }

  @Override
  public void close() throws Exception {
    cache.close();
  }
}
