package io.flumesentinel.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.HistoryConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.DeliveryAttempt;
import io.flumesentinel.testing.MutableClock;
import io.flumesentinel.testing.TestAlerts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer on a real event bus and a real database: what the monitor publishes becomes records,
 * and retention, on the injected clock, removes old ones and keeps the newest up to the cap.
 */
class HistoryWriterVerticleTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final MutableClock clock = new MutableClock(TestAlerts.T0.plus(Duration.ofDays(1)));
  private HistoryStore store;

  @BeforeEach
  void open() {
    store = HistoryStore.open(dir);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    store.close();
  }

  private void deploy(HistoryConfig config, Duration retentionCheck) throws Exception {
    vertx
        .deployVerticle(new HistoryWriterVerticle(store, config, clock, retentionCheck))
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void keepsEveryTransitionAndOneRecordPerAlertOfEveryDeliveryAttempt() throws Exception {
    deploy(HistoryConfig.in(dir), HistoryWriterVerticle.RETENTION_CHECK);
    Alert down = TestAlerts.firing("a1");
    Alert up = TestAlerts.resolved(down);
    Alert other = TestAlerts.firing("a2", 5);
    vertx.eventBus().publish(Addresses.ALERTS, down.toJson().put("silencedBy", new JsonArray()));
    vertx
        .eventBus()
        .publish(Addresses.ALERTS, other.toJson().put("silencedBy", new JsonArray().add("s1")));
    Instant failedAt = TestAlerts.T0.plusSeconds(10);
    vertx
        .eventBus()
        .publish(
            Addresses.DELIVERIES,
            new DeliveryAttempt(
                    "attempt-1",
                    "ops",
                    "http://hooks:9093",
                    failedAt,
                    37,
                    DeliveryAttempt.Outcome.FAILED,
                    503,
                    "HTTP 503: overloaded",
                    List.of(DeliveryAttempt.AlertRef.of(down), DeliveryAttempt.AlertRef.of(other)))
                .toJson());
    // published twice (a new leader publishing again): kept once
    vertx.eventBus().publish(Addresses.ALERTS, up.toJson().put("silencedBy", new JsonArray()));
    vertx.eventBus().publish(Addresses.ALERTS, up.toJson().put("silencedBy", new JsonArray()));
    vertx.eventBus().publish(Addresses.ALERTS, new JsonObject().put("not", "an alert"));

    await().atMost(WAIT).until(() -> store.count() == 5);
    List<JsonObject> shown =
        store.query(HistoryQuery.all(10)).records().stream().map(HistoryRecord::toJson).toList();
    assertThat(shown)
        .extracting(
            r ->
                r.getString("kind")
                    + " "
                    + r.getString("agent")
                    + " "
                    + r.getString("status")
                    + " "
                    + r.getString("outcome"))
        .containsExactly(
            "transition a1 resolved null",
            // one attempt: its records at one time, the later one of the batch first
            "delivery a2 firing failed",
            "delivery a1 firing failed",
            "transition a2 firing silenced",
            "transition a1 firing null");
    JsonObject failed = shown.get(2);
    assertThat(failed.getString("at")).isEqualTo(failedAt.toString());
    assertThat(failed.getString("receiver")).isEqualTo("ops");
    assertThat(failed.getString("target")).isEqualTo("http://hooks:9093");
    assertThat(failed.getInteger("code")).isEqualTo(503);
    assertThat(failed.getLong("latencyMs")).isEqualTo(37);
    assertThat(failed.getString("error")).isEqualTo("HTTP 503: overloaded");
    assertThat(failed.getString("fingerprint")).isEqualTo(down.fingerprint());
    assertThat(failed.getString("startsAt")).isEqualTo(down.startsAt().toString());
    JsonObject resolved = shown.get(0);
    assertThat(resolved.getString("at")).isEqualTo(up.endsAt().toString());
    assertThat(resolved.getString("receiver")).isNull();
    assertThat(resolved.getValue("latencyMs")).isNull();
  }

  @Test
  void retentionDeletesRecordsOlderThanItsAgeThenTheOldestBeyondTheCap() throws Exception {
    Instant now = clock.instant();
    List<HistoryRecord> records = new java.util.ArrayList<>();
    for (int hour = 0; hour < 48; hour++) {
      records.add(
          HistoryStoreTest.transition("a" + hour, "firing", now.minus(Duration.ofHours(hour))));
    }
    for (int i = 0; i < 1_500; i++) {
      records.add(
          HistoryStoreTest.delivery(
              "d:" + i + ":0", "b" + i, "ops", "delivered", now.plusMillis(i)));
    }
    store.insert(records);
    // 1 day of retention, at most 1,000 records: the transitions older than a day go, then the
    // oldest of the rest beyond 1,000.
    deploy(new HistoryConfig(true, dir, Duration.ofDays(1), 1_000), Duration.ofMillis(50));

    await().atMost(WAIT).until(() -> store.count() == 1_000);
    List<HistoryRecord> kept = store.query(HistoryQuery.all(1_000)).records();
    assertThat(kept.get(0).id()).isEqualTo("d:1499:0");
    assertThat(kept.get(999).id()).isEqualTo("d:500:0");

    // A day later on the clock, everything stored so far is too old.
    clock.advance(Duration.ofDays(1).plusSeconds(2));
    await().atMost(WAIT).until(() -> store.count() == 0);
  }
}
