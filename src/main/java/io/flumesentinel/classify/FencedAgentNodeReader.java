package io.flumesentinel.classify;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.FenceReached;
import io.flumesentinel.event.NodeChange;
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
 * a fence has shown that they are complete: when the watch's {@link FenceReached} comes back on the
 * stream of changes, every change ZooKeeper made before the fence was sent has been followed (the
 * two deletes of a deliberate stop, a crash record written with the live node's removal), so the
 * classifier's copy of each agent node is ZooKeeper's own answer as of then.
 *
 * <p>Which fence: the watch sends one on its own as soon as it learns that a live node went, and
 * names it on the change ({@link NodeChange#fence}); the reads asked while that change is handled
 * ({@link #coveredBy}) wait for it, so the fence's round trip to ZooKeeper runs while the change is
 * on its way to the classifier. Any other read (a retry once the connection is back, a snapshot's
 * reconciliation) asks for a fence ({@link Addresses#ZK_FENCE}), one for all the reads asked during
 * one turn of the classifier's context.
 *
 * <p>Why not read the nodes: ZooKeeper answers a read on the watch's session only after every
 * notification it queued before it, so in a storm of thousands of losses the first reads wait for
 * the whole storm's notifications anyway; and reading the thousands of nodes then costs ZooKeeper
 * and the monitor as much again (about 0.6 s for 5,000 on a 2-core machine). The fence is one small
 * request per round trip.
 *
 * <p>A fence ZooKeeper did not answer (the connection is down), or one not back within the timeout
 * (counted from the first read that waits for it; an asked fence's id must also come back within
 * it), makes its reads unknown, never absent. Used on the classifier's context only.
 */
final class FencedAgentNodeReader implements AgentNodeReader {

  private final Context context;
  private final Function<String, NodeData> known;
  private final long timeoutMs;
  private final DeliveryOptions ask;
  private final Map<Long, Fence> fenced = new HashMap<>();

  /** Reads asked during this turn outside a change's fence: they ask for one fence together. */
  private Map<String, List<Promise<NodeData>>> waiting = new LinkedHashMap<>();

  /** The watch's fence that reads asked now wait for, while a change naming one is handled. */
  private long covering = NodeChange.NO_FENCE;

  /** The reads that wait for one fence, by agent, and the timer that gives up on it. */
  private record Fence(Map<String, List<Promise<NodeData>>> reads, long timer) {}

  /**
   * @param known the agent node as the classifier knows it from the watch's changes, or {@code
   *     null} when it is not registered
   */
  FencedAgentNodeReader(Context context, Function<String, NodeData> known, Duration timeout) {
    this.context = context;
    this.known = known;
    this.timeoutMs = timeout.toMillis();
    this.ask = new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs);
  }

  @Override
  public void coveredBy(long fence, Runnable asking) {
    covering = fence;
    try {
      asking.run();
    } finally {
      covering = NodeChange.NO_FENCE;
    }
  }

  @Override
  public Future<NodeData> read(String agentId) {
    Promise<NodeData> answer = Promise.promise();
    if (covering != NodeChange.NO_FENCE) {
      add(fenced.computeIfAbsent(covering, this::awaiting).reads(), agentId, answer);
      return answer.future();
    }
    if (waiting.isEmpty()) {
      // Runs after the messages already queued on this context: they join this fence.
      context.runOnContext(v -> askFence());
    }
    add(waiting, agentId, answer);
    return answer.future();
  }

  private static void add(
      Map<String, List<Promise<NodeData>>> reads, String agentId, Promise<NodeData> answer) {
    reads.computeIfAbsent(agentId, id -> new ArrayList<>(1)).add(answer);
  }

  /** No reads yet for the fence {@code id}, given up on after the timeout. */
  private Fence awaiting(long id) {
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
    return new Fence(new LinkedHashMap<>(), timer);
  }

  private void askFence() {
    Map<String, List<Promise<NodeData>>> asked = waiting;
    waiting = new LinkedHashMap<>();
    context
        .owner()
        .eventBus()
        .<Long>request(Addresses.ZK_FENCE, null, ask)
        .onComplete(
            reply -> {
              if (reply.failed()) {
                fail(asked, reply.cause());
                return;
              }
              Fence fence = fenced.computeIfAbsent(reply.result().body(), this::awaiting);
              asked.forEach(
                  (agentId, answers) ->
                      answers.forEach(answer -> add(fence.reads(), agentId, answer)));
            });
  }

  /** The watch's answer to one of its fences, in its place among the changes. */
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
      fail(reads.reads(), why);
    }
  }

  private static void fail(Map<String, List<Promise<NodeData>>> reads, Throwable why) {
    reads.values().forEach(answers -> answers.forEach(answer -> answer.tryFail(why)));
  }
}
