package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The spool writer thread: the logging thread only hands events over in memory, the writer appends
 * them to the spool, and the sender still takes every event in number order.
 */
class EventBufferSpoolWriterTest {

  @TempDir Path dir;

  private final AppenderStats stats = new AppenderStats();
  private final List<EventBuffer> buffers = new ArrayList<>();

  @AfterEach
  void closeBuffers() throws IOException {
    for (EventBuffer buffer : buffers) {
      buffer.close();
    }
  }

  @ParameterizedTest(name = "queue {0}, hand-off {1}, batch {2}, {3} logging threads")
  @CsvSource({
    "1, 4, 1, 4",
    "2, 64, 7, 3",
    "16, 1024, 50, 4",
    "4, 100000, 3, 2",
  })
  void eventsLeaveInNumberOrderThroughMemorySpoolAndHandOffUnderConcurrentOffersAndTakes(
      int queue, int handOff, int batch, int threads) throws Exception {
    Spool spool = Spool.open(dir, "order", 4L * 1024 * 1024);
    EventBuffer buffer = buffer(queue, handOff, spool, "order");
    // the first events fill memory, so the concurrent part starts on the spool path
    int before = queue + 5;
    for (int i = 0; i < before; i++) {
      buffer.offer(Map.of(), body(i));
    }
    int perThread = 2_000;
    ExecutorService loggers = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(
          loggers.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  buffer.offer(Map.of(), body(i));
                }
              }));
    }
    List<OutgoingEvent> taken = Collections.synchronizedList(new ArrayList<>());
    while (!done.stream().allMatch(Future::isDone) || !buffer.isEmpty()) {
      taken.addAll(buffer.take(batch, TimeUnit.MILLISECONDS.toNanos(10)));
    }
    for (Future<?> f : done) {
      f.get();
    }
    loggers.shutdown();

    List<Long> seqs = taken.stream().map(OutgoingEvent::seq).toList();
    assertThat(seqs).isSorted().doesNotHaveDuplicates();
    long total = before + (long) threads * perThread;
    assertThat(buffer.lastSeq()).isEqualTo(total);
    assertThat(seqs.size() + stats.getEventsDropped())
        .as("every event was taken or counted dropped")
        .isEqualTo(total);
    assertThat(stats.getEventsSpooled()).as("the spool path was used").isPositive();
    assertThat(stats.getEventsLogged()).isEqualTo(total);
  }

  @ParameterizedTest(name = "queue {0}, hand-off {1}, {2} offered: {3} dropped")
  @CsvSource({
    "2, 3, 7, 2",
    "1, 1, 5, 3",
    "3, 10, 13, 0",
    "3, 10, 20, 7",
  })
  void aFullHandOffDropsAndCountsLikeAFullQueue(int queue, int handOff, int offered, int dropped)
      throws Exception {
    BlockingSpool spool = new BlockingSpool(Spool.open(dir, "full", 1024 * 1024));
    EventBuffer buffer = buffer(queue, handOff, spool, "full");

    List<EventBuffer.Outcome> outcomes = new ArrayList<>();
    for (int i = 1; i <= offered; i++) {
      outcomes.add(buffer.offer(Map.of(), body(i)));
    }

    assertThat(outcomes).filteredOn(o -> o == EventBuffer.Outcome.QUEUED).hasSize(queue);
    assertThat(outcomes)
        .filteredOn(o -> o == EventBuffer.Outcome.SPOOLED)
        .hasSize(offered - queue - dropped);
    assertThat(outcomes).filteredOn(o -> o == EventBuffer.Outcome.DROPPED).hasSize(dropped);
    assertThat(stats.getEventsDropped()).isEqualTo(dropped);
    assertThat(stats.getEventsLogged()).isEqualTo(offered);
    OutgoingEvent report = buffer.dropReport(0);
    if (dropped == 0) {
      assertThat(report).isNull();
    } else {
      assertThat(report.headers()).containsEntry(EventHeaders.DROPPED, Integer.toString(dropped));
    }

    spool.release();
    List<OutgoingEvent> taken = new ArrayList<>();
    List<OutgoingEvent> batch;
    while (!(batch = buffer.take(4, 0)).isEmpty()) {
      taken.addAll(batch);
    }
    assertThat(taken)
        .extracting(OutgoingEvent::seq)
        .isSorted()
        .hasSize(offered - dropped)
        .startsWith(1L);
  }

  @Test
  void aSpoolWriteThatHangsNeverHoldsUpALoggingThread() throws Exception {
    BlockingSpool spool = new BlockingSpool(Spool.open(dir, "slow", 1024 * 1024));
    EventBuffer buffer = buffer(1, 50, spool, "slow");
    buffer.offer(Map.of(), body(1));
    assertThat(buffer.offer(Map.of(), body(2))).isEqualTo(EventBuffer.Outcome.SPOOLED);
    assertThat(spool.entered.await(10, TimeUnit.SECONDS))
        .as("the writer is inside a write")
        .isTrue();

    // the writer holds the disk: every further call still comes back, placed or dropped
    List<EventBuffer.Outcome> outcomes = new ArrayList<>();
    for (int i = 3; i <= 100; i++) {
      outcomes.add(buffer.offer(Map.of(), body(i)));
    }
    assertThat(spool.inside()).as("the write is still held").isTrue();
    assertThat(outcomes).hasSize(98).contains(EventBuffer.Outcome.SPOOLED);
    assertThat(outcomes).filteredOn(o -> o == EventBuffer.Outcome.DROPPED).hasSize(49);
    // the sender is not held either while it takes from memory
    assertThat(buffer.take(1, 0)).extracting(OutgoingEvent::seq).containsExactly(1L);

    spool.release();
    List<OutgoingEvent> taken = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              taken.addAll(buffer.take(10, 0));
              return buffer.isEmpty();
            });
    assertThat(taken).extracting(OutgoingEvent::seq).isSorted().hasSize(50).startsWith(2L);
  }

  @Test
  void closeWritesWhatTheHandOffHoldsIntoTheSpoolAndLeavesNoThread() throws Exception {
    EventBuffer buffer =
        new EventBuffer(1, 100, Spool.open(dir, "kept", 1024 * 1024), "run-1", stats, "kept");
    for (int i = 1; i <= 40; i++) {
      buffer.offer(Map.of(), body(i));
    }
    assertThat(writerRunning("kept")).isTrue();

    buffer.close();

    assertThat(writerRunning("kept")).as("the writer ended").isFalse();
    assertThat(stats.getEventsLostAtStop()).isZero();
    try (Spool reopened = Spool.open(dir, "kept", 1024 * 1024)) {
      assertThat(reopened.read(100))
          .extracting(OutgoingEvent::seq)
          .as("everything past the memory queue is in the spool for the next run")
          .containsExactlyElementsOf(seqRange(2, 40));
    }
  }

  @Test
  void closeCountsWhatAHangingDiskKeptFromTheSpoolAndStillLeavesNoThread() throws Exception {
    BlockingSpool spool = new BlockingSpool(Spool.open(dir, "hung", 1024 * 1024));
    EventBuffer buffer = new EventBuffer(1, 10, spool, "run-1", stats, "hung");
    for (int i = 1; i <= 6; i++) {
      buffer.offer(Map.of(), body(i));
    }
    assertThat(spool.entered.await(10, TimeUnit.SECONDS)).isTrue();

    buffer.close();

    assertThat(writerRunning("hung")).as("the writer ended").isFalse();
    // event 1 waits in memory (the sender counts it); 2 was inside the write, 3..6 in the hand-off
    assertThat(stats.getEventsDropped()).as("the interrupted write").isEqualTo(1);
    assertThat(stats.getEventsLostAtStop()).isEqualTo(4);
    assertThat(buffer.dropReport(0).headers()).containsEntry(EventHeaders.DROPPED, "1");
  }

  private EventBuffer buffer(int queue, int handOff, SpoolFile spool, String name) {
    EventBuffer buffer = new EventBuffer(queue, handOff, spool, "app-1", stats, name);
    buffers.add(buffer);
    return buffer;
  }

  private static boolean writerRunning(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(SpoolWriter.threadName(name)) && t.isAlive());
  }

  private static List<Long> seqRange(long from, long to) {
    List<Long> seqs = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      seqs.add(s);
    }
    return seqs;
  }

  private static byte[] body(int i) {
    return ("event " + i).getBytes(StandardCharsets.UTF_8);
  }

  /** A disk whose writes hang until released (or the writer is interrupted). */
  private static final class BlockingSpool implements SpoolFile {
    final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final Spool file;
    private volatile boolean inside;

    BlockingSpool(Spool file) {
      this.file = file;
    }

    void release() {
      released.countDown();
    }

    boolean inside() {
      return inside;
    }

    @Override
    public boolean append(byte[] record) {
      inside = true;
      entered.countDown();
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new IOException("write interrupted"));
      } finally {
        inside = false;
      }
      return file.append(record);
    }

    @Override
    public long bytes() {
      return file.bytes();
    }

    @Override
    public long maxBytes() {
      return file.maxBytes();
    }

    @Override
    public boolean isEmpty() {
      return file.isEmpty();
    }

    @Override
    public List<OutgoingEvent> read(int max) {
      return file.read(max);
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }
}
