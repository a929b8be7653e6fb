package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.FenceReached;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reader answers from what the classifier knows only once the watch has reached its fence; a
 * fence ZooKeeper did not answer, or one that never comes back, makes the answer unknown (a failed
 * future), never absent.
 */
class FencedAgentNodeReaderTest {

  private static final NodeData NODE = new NodeData("{}".getBytes(), 1, 1, 0);

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    LocalCodec.registerAll(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Reads {@code ids} in one turn, the watch answering each fence with {@code problem}. */
  private List<Future<NodeData>> read(
      Map<String, NodeData> known, String problem, boolean answer, Duration timeout)
      throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<List<Future<NodeData>>> reads = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          FencedAgentNodeReader reader = new FencedAgentNodeReader(context, known::get, timeout);
          AtomicLong fences = new AtomicLong();
          vertx
              .eventBus()
              .localConsumer(
                  Addresses.ZK_FENCE,
                  m -> {
                    // what the watch does: the fence's id in reply, then its answer on the
                    // stream of changes
                    long id = fences.incrementAndGet();
                    m.reply(id);
                    if (answer) {
                      context.runOnContext(x -> reader.reached(new FenceReached(id, problem)));
                    }
                  })
              .completion()
              .onSuccess(
                  listening ->
                      reads.complete(List.of(reader.read("present"), reader.read("absent"))));
        });
    List<Future<NodeData>> futures = reads.get(10, TimeUnit.SECONDS);
    for (Future<NodeData> future : futures) {
      future
          .toCompletionStage()
          .toCompletableFuture()
          .handle((r, e) -> r)
          .get(10, TimeUnit.SECONDS);
    }
    return futures;
  }

  @Test
  void aReachedFenceAnswersWithTheNodesTheClassifierFollowed() throws Exception {
    List<Future<NodeData>> answers =
        read(Map.of("present", NODE), null, true, Duration.ofSeconds(10));

    assertThat(answers.get(0).result()).isSameAs(NODE);
    assertThat(answers.get(1).succeeded()).isTrue();
    assertThat(answers.get(1).result()).as("not registered: absent").isNull();
  }

  @Test
  void aFenceZooKeeperDidNotAnswerLeavesEveryReadUnknown() throws Exception {
    List<Future<NodeData>> answers =
        read(
            Map.of("present", NODE),
            "KeeperErrorCode = ConnectionLoss",
            true,
            Duration.ofSeconds(10));

    assertThat(answers).allMatch(Future::failed);
    assertThat(answers.get(1).cause()).hasMessageContaining("ConnectionLoss");
  }

  @Test
  void aFenceThatNeverComesBackTimesOutUnknown() throws Exception {
    List<Future<NodeData>> answers =
        read(Map.of("present", NODE), null, false, Duration.ofMillis(200));

    assertThat(answers).allMatch(Future::failed);
    assertThat(answers.get(0).cause()).isInstanceOf(TimeoutException.class);
  }

  /**
   * Reads asked while a change the watch sent a fence after is handled wait for that fence: no
   * fence of their own is asked, and they are answered when it comes back.
   */
  @Test
  void readsCoveredByTheWatchsFenceWaitForItAlone() throws Exception {
    Context context = vertx.getOrCreateContext();
    AtomicLong asked = new AtomicLong();
    AtomicReference<FencedAgentNodeReader> reader = new AtomicReference<>();
    CompletableFuture<List<Future<NodeData>>> reads = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          reader.set(
              new FencedAgentNodeReader(
                  context, Map.of("present", NODE)::get, Duration.ofSeconds(10)));
          vertx
              .eventBus()
              .localConsumer(Addresses.ZK_FENCE, m -> m.reply(asked.incrementAndGet()))
              .completion()
              .onSuccess(
                  listening -> {
                    Future<NodeData>[] futures = new Future[2];
                    reader
                        .get()
                        .coveredBy(
                            7,
                            () -> {
                              futures[0] = reader.get().read("present");
                              futures[1] = reader.get().read("absent");
                            });
                    reads.complete(List.of(futures));
                  });
        });
    List<Future<NodeData>> answers = reads.get(10, TimeUnit.SECONDS);
    CompletableFuture<Boolean> pendingBeforeTheFence = new CompletableFuture<>();
    context.runOnContext(
        v -> pendingBeforeTheFence.complete(answers.stream().noneMatch(Future::isComplete)));
    assertThat(pendingBeforeTheFence.get(10, TimeUnit.SECONDS)).isTrue();

    context.runOnContext(v -> reader.get().reached(new FenceReached(7, null)));
    for (Future<NodeData> future : answers) {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    assertThat(answers.get(0).result()).isSameAs(NODE);
    assertThat(answers.get(1).result()).as("not registered: absent").isNull();
    assertThat(asked.get()).as("fences asked of the watch").isZero();
  }

  @Test
  void readsOutsideAChangesFenceAskForOne() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Future<NodeData>> read = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          FencedAgentNodeReader reader =
              new FencedAgentNodeReader(
                  context, Map.of("present", NODE)::get, Duration.ofSeconds(10));
          vertx
              .eventBus()
              .localConsumer(
                  Addresses.ZK_FENCE,
                  m -> {
                    m.reply(3L);
                    context.runOnContext(x -> reader.reached(new FenceReached(3, null)));
                  })
              .completion()
              .onSuccess(
                  listening ->
                      reader.coveredBy(
                          NodeChange.NO_FENCE, () -> read.complete(reader.read("present"))));
        });
    Future<NodeData> answer = read.get(10, TimeUnit.SECONDS);
    answer.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(answer.result()).isSameAs(NODE);
  }
}
