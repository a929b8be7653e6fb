package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A logging call never waits for the sender: with the sender stopped in the middle of taking a
 * batch from the spool (where it holds the spool and updates the byte count), logging threads still
 * place or drop every event and return.
 */
class EventBufferNonBlockingOfferTest {

  @TempDir Path dir;

  private final AppenderStats stats = new AppenderStats();

  @Test
  void loggingCallsReturnWhileTheSenderIsStoppedInsideItsTake() throws Exception {
    PausingSpool spool = new PausingSpool(Spool.open(dir, "paused", 1024 * 1024));
    EventBuffer buffer = new EventBuffer(2, 20, spool, "app-1", stats, "paused");
    for (int i = 1; i <= 5; i++) {
      buffer.offer(Map.of(), body(i));
    }

    List<OutgoingEvent> taken = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> sender =
        CompletableFuture.runAsync(
            () -> {
              spool.pauseOn(Thread.currentThread());
              taken.addAll(buffer.poll(10));
            });
    assertThat(spool.paused.await(10, TimeUnit.SECONDS))
        .as("the sender is stopped inside its take")
        .isTrue();

    List<EventBuffer.Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> logging =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 6; i <= 100; i++) {
                outcomes.add(buffer.offer(Map.of(), body(i)));
              }
            });
    await().atMost(Duration.ofSeconds(20)).until(logging::isDone);
    assertThat(sender).as("the sender is still stopped").isNotDone();
    assertThat(outcomes).hasSize(95).contains(EventBuffer.Outcome.SPOOLED);

    spool.release();
    sender.get(20, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              taken.addAll(buffer.take(10, 0));
              return buffer.isEmpty();
            });
    long dropped = outcomes.stream().filter(o -> o == EventBuffer.Outcome.DROPPED).count();
    assertThat(taken)
        .extracting(OutgoingEvent::seq)
        .isSorted()
        .doesNotHaveDuplicates()
        .hasSize((int) (100 - dropped))
        .startsWith(1L, 2L);
    assertThat(stats.getEventsDropped()).isEqualTo(dropped);
    buffer.close();
  }

  private static byte[] body(int i) {
    return ("event " + i).getBytes(StandardCharsets.UTF_8);
  }

  /** A spool whose byte count, asked by one chosen thread, waits until released. */
  private static final class PausingSpool implements SpoolFile {
    final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final Spool file;
    private volatile Thread pausing;

    PausingSpool(Spool file) {
      this.file = file;
    }

    void pauseOn(Thread thread) {
      pausing = thread;
    }

    void release() {
      released.countDown();
    }

    @Override
    public long bytes() {
      if (Thread.currentThread() == pausing) {
        paused.countDown();
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
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
    public boolean append(byte[] record) {
      return file.append(record);
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
