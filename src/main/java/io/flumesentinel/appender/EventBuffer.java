package io.flumesentinel.appender;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Between the logging threads and the sender: a bounded queue in memory and, with the {@code spool}
 * policy, a bounded {@link Spool} on disk for what does not fit. {@link #offer} never waits for
 * room and never does network I/O: an event that fits nowhere is dropped and counted.
 *
 * <p>Order: each event gets its number ({@link EventHeaders#SEQ}) under the same lock that places
 * it, so numbers follow the order in which events are placed. Once an event went to the spool,
 * every later one goes there too until the sender has read the spool empty, so the sender, which
 * drains memory first and then the spool, takes events in number order.
 *
 * <p>Dropped events use up their numbers too: the gaps downstream are the drops, and {@link
 * #dropReport} turns the count since the last report into an event of its own.
 */
final class EventBuffer {

  /** What became of an offered event. */
  enum Outcome {
    QUEUED,
    SPOOLED,
    DROPPED
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<OutgoingEvent> memory;
  private final int capacity;
  private final Spool spool;
  private final String instanceId;
  private final AppenderStats stats;
  private boolean spooling;
  private long nextSeq = 1;
  private long droppedSinceReport;

  /**
   * @param spool the overflow on disk, or {@code null}: the {@code drop} policy
   */
  EventBuffer(int capacity, Spool spool, String instanceId, AppenderStats stats) {
    this.capacity = capacity;
    this.memory = new ArrayDeque<>(Math.min(capacity, 1024));
    this.spool = spool;
    this.instanceId = instanceId;
    this.stats = stats;
    this.spooling = spool != null && !spool.isEmpty();
  }

  /** Places one event, numbered; never waits for room. */
  Outcome offer(Map<String, String> headers, byte[] body) {
    Map<String, String> all = new HashMap<>(headers);
    all.put(EventHeaders.INSTANCE, instanceId);
    lock.lock();
    try {
      long seq = nextSeq++;
      all.put(EventHeaders.SEQ, Long.toString(seq));
      OutgoingEvent event = new OutgoingEvent(seq, all, body);
      Outcome outcome = place(event);
      if (outcome == Outcome.DROPPED) {
        droppedSinceReport++;
        stats.dropped();
      } else {
        stats.accepted(outcome == Outcome.SPOOLED);
        notEmpty.signal();
      }
      return outcome;
    } finally {
      lock.unlock();
    }
  }

  private Outcome place(OutgoingEvent event) {
    if (!spooling && memory.size() < capacity) {
      memory.addLast(event);
      return Outcome.QUEUED;
    }
    if (spool == null) {
      return Outcome.DROPPED;
    }
    try {
      if (spool.append(event)) {
        spooling = true;
        stats.spoolBytes(spool.bytes());
        return Outcome.SPOOLED;
      }
    } catch (UncheckedIOException e) {
      stats.spoolError();
    }
    return Outcome.DROPPED;
  }

  /**
   * Up to {@code max} events in number order, waiting at most {@code waitNanos} for the first.
   *
   * @return an empty list when nothing came
   */
  List<OutgoingEvent> take(int max, long waitNanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long remaining = waitNanos;
      while (memory.isEmpty() && !spooling && remaining > 0) {
        remaining = notEmpty.awaitNanos(remaining);
      }
      return takeLocked(max);
    } finally {
      lock.unlock();
    }
  }

  /** Up to {@code max} events in number order, without waiting (even when interrupted). */
  List<OutgoingEvent> poll(int max) {
    lock.lock();
    try {
      return takeLocked(max);
    } finally {
      lock.unlock();
    }
  }

  private List<OutgoingEvent> takeLocked(int max) {
    List<OutgoingEvent> batch = new ArrayList<>();
    while (batch.size() < max && !memory.isEmpty()) {
      batch.add(memory.pollFirst());
    }
    if (batch.size() < max && spooling) {
      try {
        batch.addAll(spool.read(max - batch.size()));
      } catch (UncheckedIOException e) {
        stats.spoolError();
      }
      if (spool.isEmpty()) {
        spooling = false;
      }
      stats.spoolBytes(spool.bytes());
    }
    return batch;
  }

  /**
   * The events dropped since the last report, as one event numbered after them, or {@code null}
   * when none were. The count starts again from zero.
   */
  OutgoingEvent dropReport(long nowMillis) {
    lock.lock();
    try {
      if (droppedSinceReport == 0) {
        return null;
      }
      long seq = nextSeq++;
      long count = droppedSinceReport;
      droppedSinceReport = 0;
      Map<String, String> headers = new HashMap<>();
      headers.put(EventHeaders.INSTANCE, instanceId);
      headers.put(EventHeaders.SEQ, Long.toString(seq));
      headers.put(EventHeaders.DROPPED, Long.toString(count));
      headers.put(EventHeaders.TIMESTAMP, Long.toString(nowMillis));
      headers.put(EventHeaders.LEVEL, "WARN");
      headers.put(EventHeaders.LOGGER, "io.flumesentinel.appender");
      String body =
          "flume-sentinel appender of "
              + instanceId
              + " dropped "
              + count
              + " events (their sentinel.seq numbers are missing) since its last report";
      return new OutgoingEvent(
          seq, headers, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } finally {
      lock.unlock();
    }
  }

  /** Events waiting in memory. */
  int queued() {
    lock.lock();
    try {
      return memory.size();
    } finally {
      lock.unlock();
    }
  }

  /** Events waiting in memory or in the spool. */
  boolean isEmpty() {
    lock.lock();
    try {
      return memory.isEmpty() && !spooling;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes a sender waiting in {@link #take}. */
  void wakeUp() {
    lock.lock();
    try {
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void close() throws IOException {
    if (spool != null) {
      lock.lock();
      try {
        spool.close();
      } finally {
        lock.unlock();
      }
    }
  }

  /** The last number handed out: events up to it were either sent, are waiting, or were dropped. */
  long lastSeq() {
    lock.lock();
    try {
      return nextSeq - 1;
    } finally {
      lock.unlock();
    }
  }
}
