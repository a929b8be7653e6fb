package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue between logging threads and the sender: bounded, numbered, never waiting. */
class AppenderBufferTest {

  @TempDir Path dir;

  private final AppenderStats stats = new AppenderStats();

  @Test
  void dropPolicyKeepsTheFirstEventsAndReportsExactlyHowManyWereDropped() throws Exception {
    EventBuffer buffer = new EventBuffer(3, null, "app-1", stats);

    List<EventBuffer.Outcome> outcomes = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      outcomes.add(buffer.offer(Map.of(), body(i)));
    }

    assertThat(outcomes)
        .containsExactly(
            EventBuffer.Outcome.QUEUED,
            EventBuffer.Outcome.QUEUED,
            EventBuffer.Outcome.QUEUED,
            EventBuffer.Outcome.DROPPED,
            EventBuffer.Outcome.DROPPED);
    assertThat(seqs(buffer.take(10, 0))).containsExactly(1L, 2L, 3L);
    OutgoingEvent report = buffer.dropReport(1234);
    assertThat(report.headers())
        .containsEntry(EventHeaders.DROPPED, "2")
        .containsEntry(EventHeaders.SEQ, "6")
        .containsEntry(EventHeaders.INSTANCE, "app-1");
    assertThat(new String(report.body(), StandardCharsets.UTF_8)).contains("dropped 2 events");
    assertThat(buffer.dropReport(1235)).as("the count starts again").isNull();
    assertThat(stats.getEventsDropped()).isEqualTo(2);
    assertThat(stats.getEventsLogged()).isEqualTo(5);
  }

  @Test
  void spoolTakesTheOverflowAndEventsComeOutInNumberOrder() throws Exception {
    Spool spool = Spool.open(dir, "s", 1024 * 1024);
    EventBuffer buffer = new EventBuffer(2, spool, "app-1", stats);

    for (int i = 1; i <= 6; i++) {
      buffer.offer(Map.of("n", Integer.toString(i)), body(i));
    }
    assertThat(stats.getEventsSpooled()).isEqualTo(4);
    // the sender frees room in memory; later events still go behind the spooled ones
    assertThat(seqs(buffer.take(1, 0))).containsExactly(1L);
    buffer.offer(Map.of(), body(7));

    List<OutgoingEvent> rest = new ArrayList<>();
    List<OutgoingEvent> batch;
    while (!(batch = buffer.take(2, 0)).isEmpty()) {
      rest.addAll(batch);
    }
    assertThat(seqs(rest)).containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(new String(rest.get(2).body(), StandardCharsets.UTF_8)).isEqualTo("event 4");
    assertThat(rest.get(2).headers()).containsEntry("n", "4");
    assertThat(spool.bytes()).as("space comes back once the spool is read").isZero();
    assertThat(Files.size(spool.file())).isZero();
    // memory is used again
    assertThat(buffer.offer(Map.of(), body(8))).isEqualTo(EventBuffer.Outcome.QUEUED);
    buffer.close();
  }

  @Test
  void theSpoolNeverGrowsOverItsCapAndWhatDoesNotFitIsDroppedAndCounted() throws Exception {
    long cap = 64 * 1024;
    Spool spool = Spool.open(dir, "capped", cap);
    EventBuffer buffer = new EventBuffer(10, spool, "app-1", stats);

    int dropped = 0;
    for (int i = 1; i <= 2_000; i++) {
      if (buffer.offer(Map.of(), new byte[100]) == EventBuffer.Outcome.DROPPED) {
        dropped++;
      }
      assertThat(Files.size(spool.file())).isLessThanOrEqualTo(cap);
    }

    assertThat(dropped).isPositive();
    assertThat(stats.getEventsDropped()).isEqualTo(dropped);
    assertThat(stats.getSpoolBytes()).isLessThanOrEqualTo(cap);
    assertThat(buffer.dropReport(0).headers())
        .containsEntry(EventHeaders.DROPPED, Integer.toString(dropped));
    buffer.close();
  }

  @Test
  void aSpoolLeftByAPreviousRunIsSentFirstAndTwoAppendersCannotShareIt() throws Exception {
    Spool first = Spool.open(dir, "kept", 1024 * 1024);
    EventBuffer before = new EventBuffer(1, first, "run-1", stats);
    for (int i = 1; i <= 3; i++) {
      before.offer(Map.of(), body(i));
    }
    assertThatThrownBy(() -> Spool.open(dir, "kept", 1024 * 1024))
        .isInstanceOfAny(IOException.class, OverlappingFileLockException.class);
    before.close();

    EventBuffer after = new EventBuffer(10, Spool.open(dir, "kept", 1024 * 1024), "run-2", stats);
    after.offer(Map.of(), body(1));
    List<OutgoingEvent> sent = after.take(10, 0);
    sent.addAll(after.take(10, 0));
    assertThat(sent)
        .extracting(e -> e.headers().get(EventHeaders.INSTANCE) + "#" + e.seq())
        .containsExactly("run-1#2", "run-1#3", "run-2#1");
    after.close();
  }

  private static byte[] body(int i) {
    return ("event " + i).getBytes(StandardCharsets.UTF_8);
  }

  private static List<Long> seqs(List<OutgoingEvent> events) {
    return events.stream().map(OutgoingEvent::seq).toList();
  }
}
