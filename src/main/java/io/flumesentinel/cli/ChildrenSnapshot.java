package io.flumesentinel.cli;

import io.flumesentinel.event.NodeData;
import io.flumesentinel.zk.ChildrenReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the children of a few znodes for a one-shot command, data and stat included, with the
 * monitor's own {@link ChildrenReader}: one {@code getChildren} each, then read-only multis sized
 * in bytes, so a fleet of 100,000 agents costs a few hundred requests, none of them near the
 * client's 1 MB limit. The reader completes on a Vert.x context, so a small Vert.x instance lives
 * for the duration of the read.
 */
final class ChildrenSnapshot {

  /** How long closing the Vert.x instance may take; a command does not hang on its way out. */
  private static final long CLOSE_TIMEOUT_MS = 2_000;

  private ChildrenSnapshot() {}

  /**
   * The children of each parent (parent → child name → data), in the order given; a missing parent
   * has none. Fails as {@link CommandZooKeeper#await} does, within its request timeout.
   */
  static Map<String, Map<String, NodeData>> read(CommandZooKeeper zk, List<String> parents)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      CompletableFuture<Map<String, Map<String, NodeData>>> done = new CompletableFuture<>();
      // The reader is not thread-safe: it is created and used on its context only.
      context.runOnContext(
          v -> {
            ChildrenReader reader = new ChildrenReader(zk.client(), context);
            List<Future<ChildrenReader.Children>> reads = new ArrayList<>();
            parents.forEach(parent -> reads.add(reader.read(parent)));
            Future.all(reads)
                .onComplete(
                    all -> {
                      if (all.failed()) {
                        done.completeExceptionally(all.cause());
                        return;
                      }
                      Map<String, Map<String, NodeData>> children = new LinkedHashMap<>();
                      for (int i = 0; i < parents.size(); i++) {
                        children.put(parents.get(i), reads.get(i).result().nodes());
                      }
                      done.complete(children);
                    });
          });
      return zk.await(done);
    } finally {
      try {
        vertx
            .close()
            .toCompletionStage()
            .toCompletableFuture()
            .get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // The answer is already read; a slow close must not turn it into a failure.
      }
    }
  }
}
