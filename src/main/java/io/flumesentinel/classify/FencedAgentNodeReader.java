package io.flumesentinel.classify;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.FenceReached;
import io.flumesentinel.event.NodeData;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Answers "does the agent node exist?" from the agent nodes the watch has sent the classifier, once
 * a fence has shown that they are complete: the reads asked during one turn of the classifier's
 * context share one fence ({@link Addresses#ZK_FENCE}); when the watch's {@link FenceReached} comes
 * back on the stream of changes, every change ZooKeeper made before the reads were asked has been
 * followed (the two deletes of a deliberate stop, a crash record written with the live node's
 * removal), so the classifier's copy of each agent node is ZooKeeper's own answer as of then.
 *
 * <p>Why not read the nodes: ZooKeeper answers a read on the watch's session only after every
 * notification it queued before it, so in a storm of thousands of losses the first reads wait for
 * the whole storm's notifications anyway; and reading the thousands of nodes then costs ZooKeeper
 * and the monitor as much again (about 0.6 s for 5,000 on a 2-core machine). The fence is one small
 * request per turn.
 *
 * <p>A fence ZooKeeper did not answer (the connection is down), or one not back within the timeout,
 * makes its reads unknown, never absent. Used on the classifier's context only.
 */
final class FencedAgentNodeReader implements AgentNodeReader {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Context context;
  private final Function<String, NodeData> known;
  private final long timeoutMs;
  private final Map<Long, Fence> fenced = new HashMap<>();
  private Map<String, List<Promise<NodeData>>> waiting = new LinkedHashMap<>();
  private long nextFence;

  /** The reads that wait for one fence, and the timer that gives up on it. */
  private record Fence(Map<String, List<Promise<NodeData>>> reads, long timer) {}

  /**
   * @param known the agent node as the classifier knows it from the watch's changes, or {@code
   *     null} when it is not registered
   */
  FencedAgentNodeReader(Context context, Function<String, NodeData> known, Duration timeout) {
    this.context = context;
    this.known = known;
    this.timeoutMs = timeout.toMillis();
  }

  @Override
  public Future<NodeData> read(String agentId) {
    Promise<NodeData> answer = Promise.promise();
    if (waiting.isEmpty()) {
      // Runs after the messages already queued on this context: they join this fence.
      context.runOnContext(v -> fence());
    }
    waiting.computeIfAbsent(agentId, id -> new ArrayList<>(1)).add(answer);
    return answer.future();
  }

  private void fence() {
    long id = nextFence++;
    long timer =
        context
            .owner()
            .setTimer(
                timeoutMs,
                fired ->
                    fail(
                        id,
                        new TimeoutException(
                            "no answer from ZooKeeper within " + timeoutMs + " ms")));
    fenced.put(id, new Fence(waiting, timer));
    waiting = new LinkedHashMap<>();
    context.owner().eventBus().send(Addresses.ZK_FENCE, id, LOCAL);
  }

  /** The watch's answer to one of this reader's fences, in its place among the changes. */
  void reached(FenceReached fence) {
    if (!fence.reached()) {
      fail(fence.id(), new IllegalStateException(fence.problem()));
      return;
    }
    Fence reads = fenced.remove(fence.id());
    if (reads != null) {
      context.owner().cancelTimer(reads.timer());
      reads
          .reads()
          .forEach(
              (agentId, answers) -> {
                NodeData node = known.apply(agentId);
                answers.forEach(answer -> answer.tryComplete(node));
              });
    }
  }

  private void fail(long id, Throwable why) {
    Fence reads = fenced.remove(id);
    if (reads != null) {
      context.owner().cancelTimer(reads.timer());
      reads.reads().values().forEach(answers -> answers.forEach(answer -> answer.tryFail(why)));
    }
  }
}
