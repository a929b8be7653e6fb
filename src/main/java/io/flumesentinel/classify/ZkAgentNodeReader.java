package io.flumesentinel.classify;

import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.zk.ZkBatchReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Reads agent nodes from ZooKeeper; the answer comes back on the caller's context.
 *
 * <p>The reads asked for during one turn of the event loop go out together, as a batched read (see
 * {@link ZkBatchReader}): a storm of removals is classified in a few round trips instead of one per
 * agent, while a lone removal still costs one. Each request's answers are given as soon as it is
 * back, so the first verdicts of a storm do not wait for the last request. A read issued after a
 * watch event sees at least the state of that event (ZooKeeper orders a session's reads after the
 * notifications it has delivered), so the two deletes of a deliberate stop are never seen apart.
 */
public final class ZkAgentNodeReader implements AgentNodeReader {

  private final ZkBatchReader reader;
  private final ZkLayout layout;
  private final Context context;
  private final long timeoutMs;
  private Map<String, List<Promise<NodeData>>> waiting = new LinkedHashMap<>();

  public ZkAgentNodeReader(
      ZkBatchReader reader, ZkLayout layout, Context context, Duration timeout) {
    this.reader = reader;
    this.layout = layout;
    this.context = context;
    this.timeoutMs = timeout.toMillis();
  }

  @Override
  public Future<NodeData> read(String agentId) {
    Promise<NodeData> answer = Promise.promise();
    if (waiting.isEmpty()) {
      // Runs after the messages already queued on this context: they join this batch.
      context.runOnContext(v -> flush());
    }
    waiting.computeIfAbsent(layout.agent(agentId), path -> new ArrayList<>(1)).add(answer);
    return answer.future();
  }

  private void flush() {
    Map<String, List<Promise<NodeData>>> batch = waiting;
    waiting = new LinkedHashMap<>();
    // One timer for the batch: an answer that does not come in time is unknown, never absent.
    long timer =
        context
            .owner()
            .setTimer(
                timeoutMs,
                id ->
                    batch
                        .values()
                        .forEach(
                            answers ->
                                answers.forEach(
                                    answer ->
                                        answer.tryFail(
                                            new TimeoutException(
                                                "no answer from ZooKeeper within "
                                                    + timeoutMs
                                                    + " ms")))));
    List<ZkBatchReader.Part> parts = reader.getDataInParts(new ArrayList<>(batch.keySet()));
    Future.all(parts.stream().map(ZkBatchReader.Part::found).toList())
        .onComplete(all -> context.owner().cancelTimer(timer));
    // Each request's answers as soon as it is back: in a storm the first verdicts go out one
    // round trip after the reads, not after the last of thousands.
    for (ZkBatchReader.Part part : parts) {
      part.found()
          .onComplete(
              done -> {
                for (String path : part.paths()) {
                  List<Promise<NodeData>> answers = batch.get(path);
                  if (done.succeeded()) {
                    NodeData data = done.result().get(path).orElse(null);
                    answers.forEach(answer -> answer.tryComplete(data));
                  } else {
                    answers.forEach(answer -> answer.tryFail(done.cause()));
                  }
                }
              });
    }
  }
}
