package io.flumesentinel.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history database on a real disk: what goes in comes out, once, in order, after a restart. */
class HistoryStoreTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

  @TempDir Path dir;

  static HistoryRecord transition(String agent, String status, Instant at) {
    return new HistoryRecord(
        "t:" + agent + ":" + status + ":" + at,
        at,
        HistoryRecord.Kind.TRANSITION,
        agent,
        "FlumeAgentDown",
        "00000000000000ab",
        status,
        at,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  static HistoryRecord delivery(
      String id, String agent, String receiver, String outcome, Instant at) {
    return new HistoryRecord(
        id,
        at,
        HistoryRecord.Kind.DELIVERY,
        agent,
        "FlumeAgentDown",
        "00000000000000ab",
        "firing",
        at.minusSeconds(1),
        receiver,
        "http://hooks:9093",
        outcome,
        outcome.equals("delivered") ? 200 : 503,
        12L,
        outcome.equals("delivered") ? null : "HTTP 503: overloaded");
  }

  @Test
  void keepsWhatIsInsertedOnceAndAfterAReopen() throws Exception {
    HistoryRecord down = transition("a1", "firing", T0);
    HistoryRecord failed = delivery("d:1:0", "a1", "ops", "failed", T0.plusMillis(5));
    HistoryRecord sent = delivery("d:2:0", "a1", "ops", "delivered", T0.plusMillis(900));
    try (HistoryStore store = HistoryStore.open(dir)) {
      store.insert(List.of(down, failed));
      // Received twice (published again, or over two paths): stored once.
      store.insert(List.of(down, sent));
      assertThat(store.count()).isEqualTo(3);
    }
    try (HistoryStore reopened = HistoryStore.open(dir)) {
      HistoryPage page = reopened.query(HistoryQuery.all(10));
      assertThat(page.records()).containsExactly(sent, failed, down);
      assertThat(page.total()).isEqualTo(3);
      assertThat(page.next()).isNull();
    }
  }

  @Test
  void filtersByAgentAlertnameReceiverKindAndTime() throws Exception {
    try (HistoryStore store = HistoryStore.open(dir)) {
      store.insert(
          List.of(
              transition("a1", "firing", T0),
              transition("a2", "firing", T0.plusSeconds(1)),
              delivery("d:1:0", "a1", "ops", "delivered", T0.plusSeconds(2)),
              delivery("d:2:0", "a2", "mail", "rejected", T0.plusSeconds(3)),
              transition("a1", "resolved", T0.plusSeconds(4))));

      assertThat(agents(store, new HistoryQuery("a1", null, null, null, null, null, 10, null)))
          .containsExactly("a1 transition resolved", "a1 delivery firing", "a1 transition firing");
      assertThat(agents(store, new HistoryQuery(null, null, "mail", null, null, null, 10, null)))
          .containsExactly("a2 delivery firing");
      assertThat(
              agents(
                  store,
                  new HistoryQuery(
                      null, null, null, HistoryRecord.Kind.TRANSITION, null, null, 10, null)))
          .containsExactly(
              "a1 transition resolved", "a2 transition firing", "a1 transition firing");
      // since inclusive, until exclusive
      assertThat(
              agents(
                  store,
                  new HistoryQuery(
                      null, null, null, null, T0.plusSeconds(1), T0.plusSeconds(3), 10, null)))
          .containsExactly("a1 delivery firing", "a2 transition firing");
      assertThat(
              agents(
                  store,
                  new HistoryQuery(null, "FlumeAgentFlapping", null, null, null, null, 10, null)))
          .isEmpty();
    }
  }

  @Test
  void pagesNewestFirstWithoutRepeatingOrSkippingWhileRecordsArrive() throws Exception {
    try (HistoryStore store = HistoryStore.open(dir)) {
      List<HistoryRecord> all = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        // several records at the same instant: ordered by insertion among themselves
        all.add(delivery("d:" + i + ":0", "a" + i, "ops", "delivered", T0.plusSeconds(i / 3)));
      }
      store.insert(all);
      List<HistoryRecord> seen = new ArrayList<>();
      HistoryQuery.Cursor cursor = null;
      int pages = 0;
      do {
        HistoryPage page =
            store.query(new HistoryQuery(null, null, "ops", null, null, null, 10, cursor));
        assertThat(page.total()).isEqualTo(25 + Math.min(pages, 1));
        seen.addAll(page.records());
        cursor = page.next();
        pages++;
        if (pages == 1) {
          // a newer record arriving between two pages is not on the later pages
          store.insert(List.of(delivery("d:new:0", "a99", "ops", "failed", T0.plusSeconds(60))));
        }
      } while (cursor != null);
      assertThat(pages).isEqualTo(3);
      List<HistoryRecord> newestFirst = new ArrayList<>(all);
      java.util.Collections.reverse(newestFirst);
      assertThat(seen).containsExactlyElementsOf(newestFirst);
    }
  }

  /**
   * A page and its total are one reading of the store: while the history writer inserts, a query
   * whose page holds every matching record says as many in its total (the API's {@code
   * x-total-count}), never the count of a moment before or after.
   */
  @Test
  void aPagesTotalIsCountedFromTheSameReadingAsThePage() throws Exception {
    int written = 2_000;
    try (HistoryStore store = HistoryStore.open(dir)) {
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < written; i++) {
                  try {
                    store.insert(
                        List.of(delivery("d:" + i, "a" + i, "ops", "delivered", T0.plusMillis(i))));
                  } catch (SQLException e) {
                    throw new IllegalStateException(e);
                  }
                }
              });
      int queries = 0;
      while (!writer.isDone()) {
        HistoryPage page = store.query(HistoryQuery.all(written));
        assertThat(page.total()).as("query %d", queries).isEqualTo(page.records().size());
        queries++;
      }
      writer.get(10, TimeUnit.SECONDS);
      assertThat(queries).as("queries while the writer inserted").isPositive();
    }
  }

  @Test
  void deletesByAgeThenKeepsTheNewestUpToTheCap() throws Exception {
    try (HistoryStore store = HistoryStore.open(dir)) {
      List<HistoryRecord> records = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        records.add(transition("a" + i, "firing", T0.plus(Duration.ofHours(i))));
      }
      store.insert(records);

      assertThat(store.deleteBefore(T0.plus(Duration.ofHours(10)))).isEqualTo(10);
      assertThat(store.count()).isEqualTo(20);
      assertThat(store.trimTo(15)).isEqualTo(5);
      assertThat(store.trimTo(15)).isZero();
      List<String> left =
          store.query(HistoryQuery.all(100)).records().stream().map(HistoryRecord::agent).toList();
      assertThat(left).hasSize(15).first().isEqualTo("a29");
      assertThat(left).last().isEqualTo("a15");
    }
  }

  @Test
  void deletesChunkAfterChunk() throws Exception {
    try (HistoryStore store = HistoryStore.open(dir)) {
      List<HistoryRecord> records = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        records.add(delivery("d:" + i + ":0", "a1", "ops", "delivered", T0.plusMillis(i)));
      }
      store.insert(records);
      assertThat(store.deleteBefore(T0.plusMillis(30), 7)).isEqualTo(30);
      assertThat(store.trimTo(6, 4)).isEqualTo(14);
      assertThat(store.query(HistoryQuery.all(100)).records())
          .extracting(HistoryRecord::id)
          .containsExactly("d:49:0", "d:48:0", "d:47:0", "d:46:0", "d:45:0", "d:44:0");
    }
  }

  @Test
  void boundsUntrustedTextWhereItEnters() throws Exception {
    String huge = "x".repeat(5_000);
    HistoryRecord hostile =
        new HistoryRecord(
            "d:" + huge,
            T0,
            HistoryRecord.Kind.DELIVERY,
            "a1\nFAKE LOG LINE" + huge,
            huge,
            huge,
            "firing",
            T0,
            huge,
            huge,
            "failed",
            500,
            3L,
            "line one\r\nline two " + huge);
    try (HistoryStore store = HistoryStore.open(dir)) {
      store.insert(List.of(hostile));
      HistoryRecord stored = store.query(HistoryQuery.all(1)).records().get(0);
      assertThat(stored.agent()).hasSize(256).startsWith("a1 FAKE LOG LINE").doesNotContain("\n");
      assertThat(stored.alertname()).hasSize(256);
      assertThat(stored.error())
          .hasSize(HistoryRecord.MAX_ERROR_CHARS)
          .startsWith("line one line two")
          .doesNotContain("\n", "\r");
    }
  }

  @Test
  void aSecondMonitorOnTheSameDirectoryIsAConfigErrorNamingTheKey() {
    try (HistoryStore first = HistoryStore.open(dir)) {
      assertThatThrownBy(() -> HistoryStore.open(dir.resolve(".").resolve("sub/..")))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(
              "history.dir: '" + dir.toAbsolutePath().normalize() + "' is in use")
          .hasMessageContaining("another monitor");
    }
    // Free again once closed.
    HistoryStore.open(dir).close();
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsAConfigErrorNamingTheKey() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> HistoryStore.open(file.resolve("history")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("history.dir: cannot create");
  }

  private static List<String> agents(HistoryStore store, HistoryQuery query) throws Exception {
    return store.query(query).records().stream()
        .map(r -> r.agent() + " " + r.kind().wire() + " " + r.status())
        .toList();
  }
}
