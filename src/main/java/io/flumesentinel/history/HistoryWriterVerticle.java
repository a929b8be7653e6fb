package io.flumesentinel.history;

import io.flumesentinel.config.HistoryConfig;
import io.flumesentinel.event.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the notification history: every alert transition published on {@link Addresses#ALERTS} and
 * every delivery attempt on {@link Addresses#DELIVERIES} becomes records in the {@link
 * HistoryStore}. Its consumers are cluster-wide, so in a cluster every member keeps what the active
 * one publishes, and a new leader has the history of the old one.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Never slows the alert path nor blocks an event loop: a message is turned into records and
 *       queued; the records are written in batches of {@value #BATCH} at most, one batch at a time,
 *       on a worker, once no record has come for {@link #QUIET}, or once the oldest has waited
 *       {@link #HOLD_AT_MOST}, or once {@value #HOLD_RECORDS} wait. So a storm's thousands of
 *       records are written after its notifications have gone, not in their way (writing them, and
 *       compiling the database's code to do it, took a good part of a cold monitor's CPU during the
 *       storm), and still within seconds.
 *   <li>Bounded: at most {@value #QUEUE_CAPACITY} records wait. Records beyond it, and those of a
 *       batch the database refused, are dropped, counted ({@link #dropped()}) and logged, at most
 *       one line every 10 s — never silently.
 *   <li>Retention: at start and then every {@code retentionCheck}, records older than {@code
 *       history.retention} are deleted, then the oldest beyond {@code history.maxRecords}.
 *   <li>On undeployment, what is queued is written before it completes.
 * </ul>
 */
public final class HistoryWriterVerticle extends VerticleBase {

  /** Records waiting to be written at most: some minutes of the worst storm. */
  public static final int QUEUE_CAPACITY = 100_000;

  /** Records written in one transaction at most. */
  static final int BATCH = 1_000;

  static final Duration FLUSH_EVERY = Duration.ofMillis(100);

  /** A pause in what arrives this long: the storm, if there was one, is over. */
  static final Duration QUIET = Duration.ofMillis(500);

  /** The longest a record waits for a pause in what arrives before it is written anyway. */
  static final Duration HOLD_AT_MOST = Duration.ofSeconds(5);

  /** Records waiting that are written without waiting for a pause. */
  static final int HOLD_RECORDS = 20 * BATCH;

  /** How often retention runs unless told otherwise. */
  public static final Duration RETENTION_CHECK = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(HistoryWriterVerticle.class);

  private final HistoryStore store;
  private final HistoryConfig config;
  private final Clock clock;
  private final Duration retentionCheck;
  private final ArrayDeque<HistoryRecord> queue = new ArrayDeque<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private DropLog dropLog;
  private Future<Void> writing = Future.succeededFuture();
  private boolean busy;
  private long flushTimer = -1;

  /** When the last record was queued, and when the oldest waiting one was (nanoTime). */
  private long lastQueuedNanos;

  private long oldestQueuedNanos;
  private long retentionTimer = -1;

  /**
   * @param clock what retention measures ages against
   * @param retentionCheck how often retention runs
   */
  public HistoryWriterVerticle(
      HistoryStore store, HistoryConfig config, Clock clock, Duration retentionCheck) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.retentionCheck = retentionCheck;
  }

  /** Records dropped since deployment (queue full, or refused by the database). */
  public long dropped() {
    return dropped.get();
  }

  /** Records written since deployment (a record received twice counts twice). */
  public long written() {
    return written.get();
  }

  @Override
  public Future<?> start() {
    dropLog = new DropLog(clock);
    Future<Void> transitions =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.ALERTS,
                message -> accept(() -> List.of(HistoryRecords.transition(message.body()))))
            .completion();
    Future<Void> deliveries =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.DELIVERIES,
                message -> accept(() -> HistoryRecords.deliveries(message.body())))
            .completion();
    return Future.all(transitions, deliveries)
        .onSuccess(
            listening -> {
              flushTimer = vertx.setPeriodic(FLUSH_EVERY.toMillis(), id -> flush());
              retentionTimer =
                  vertx.setPeriodic(
                      1, Math.max(1, retentionCheck.toMillis()), id -> applyRetention());
            });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(flushTimer);
    vertx.cancelTimer(retentionTimer);
    return writing.transform(previous -> writeAll());
  }

  /** Writes every queued record, a batch after the other. */
  private Future<Void> writeAll() {
    if (queue.isEmpty()) {
      return Future.succeededFuture();
    }
    return write(take()).transform(done -> writeAll());
  }

  private interface Records {
    List<HistoryRecord> get();
  }

  private void accept(Records message) {
    List<HistoryRecord> records;
    try {
      records = message.get();
    } catch (RuntimeException e) {
      log.debug("Not keeping an unreadable message in the history: {}", e.toString());
      return;
    }
    int room = QUEUE_CAPACITY - queue.size();
    if (records.size() > room) {
      drop(records.size() - room, "the queue is full (" + QUEUE_CAPACITY + " records)");
      records = records.subList(0, Math.max(0, room));
    }
    if (queue.isEmpty()) {
      oldestQueuedNanos = System.nanoTime();
    }
    lastQueuedNanos = System.nanoTime();
    queue.addAll(records);
    if (queue.size() >= HOLD_RECORDS) {
      flush();
    }
  }

  /** Whether what waits is written now: what arrives has paused, or it waited long enough. */
  private boolean due() {
    long now = System.nanoTime();
    return queue.size() >= HOLD_RECORDS
        || now - lastQueuedNanos >= QUIET.toNanos()
        || now - oldestQueuedNanos >= HOLD_AT_MOST.toNanos();
  }

  private void drop(long count, String why) {
    dropped.addAndGet(count);
    long told = dropLog.dropped(count);
    if (told > 0) {
      log.warn(
          "Notification history: dropped {} record(s) since the previous line: {} ({} in all)",
          told,
          why,
          dropped.get());
    }
  }

  private void flush() {
    if (busy || queue.isEmpty() || !due()) {
      return;
    }
    busy = true;
    writing = write(take()).onComplete(done -> busy = false);
    // the rest of a storm's records, a batch after the other
    writing.onComplete(done -> flush());
  }

  private List<HistoryRecord> take() {
    List<HistoryRecord> batch = new ArrayList<>(Math.min(BATCH, queue.size()));
    while (batch.size() < BATCH && !queue.isEmpty()) {
      batch.add(queue.poll());
    }
    return batch;
  }

  /** Writes one batch on a worker; a failure drops it, counted and logged. Never fails. */
  private Future<Void> write(List<HistoryRecord> batch) {
    return vertx
        .executeBlocking(
            () -> {
              store.insert(batch);
              return null;
            },
            true)
        .<Void>map(
            done -> {
              written.addAndGet(batch.size());
              return null;
            })
        .recover(
            error -> {
              drop(batch.size(), "the database refused them: " + error.getMessage());
              return Future.succeededFuture();
            });
  }

  private void applyRetention() {
    java.time.Instant cutoff = clock.instant().minus(config.retention());
    long maxRecords = config.maxRecords();
    vertx
        .executeBlocking(() -> store.deleteBefore(cutoff) + store.trimTo(maxRecords), true)
        .onSuccess(
            deleted -> {
              if (deleted > 0) {
                log.debug("Notification history: deleted {} record(s) by retention", deleted);
              }
            })
        .onFailure(
            error -> log.warn("Notification history: retention failed: {}", error.getMessage()));
  }
}
