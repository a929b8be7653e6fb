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
 * policy, a bounded {@link SpoolFile} on disk for what does not fit. {@link #offer} never waits for
 * room and never does I/O of any kind: it only works in memory, under a short lock. An event that
 * does not fit in memory goes to a bounded hand-off, also in memory, from which a thread of its own
 * (the {@link SpoolWriter}) appends it to the spool. An event that fits nowhere (hand-off full
 * because the disk is slow, or the spool at its cap counting what the hand-off still holds) is
 * dropped and counted.
 *
 * <p>Order: each event gets its number ({@link EventHeaders#SEQ}) under the same lock that places
 * it, so numbers follow the order in which events are placed. Once an event went to the hand-off,
 * every later one goes there too until the sender has read the spool and the hand-off empty. The
 * sender drains memory first, then the spool, then (once the spool is empty) the hand-off itself,
 * and the writer takes the hand-off's oldest event; so the sender takes events in number order.
 *
 * <p>Locks: {@code lock} guards the queues and the numbers and is all a logging thread takes;
 * {@code spoolLock} guards the file and is taken by the writer (appends) and the sender (reads),
 * always before {@code lock}, never by a logging thread. A disk read or write is never done under
 * {@code lock}.
 *
 * <p>Dropped events use up their numbers too: the gaps downstream are the drops, and {@link
 * #dropReport} turns the count since the last report into an event of its own. {@link #close}
 * writes what the hand-off still holds into the spool (for the next run) and ends the writer; what
 * it could not write in time is counted as lost at stop.
 */
final class EventBuffer {

  /** What became of an offered event. */
  enum Outcome {
    QUEUED,
    SPOOLED,
    DROPPED
  }

  /** How long {@link #close} lets the writer empty the hand-off, and waits for it after that. */
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  /** An event waiting for the spool writer, with the record it becomes in the file. */
  private record Pending(OutgoingEvent event, byte[] record) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition handedOff = lock.newCondition();
  private final ReentrantLock spoolLock = new ReentrantLock();
  private final ArrayDeque<OutgoingEvent> memory;
  private final int capacity;
  private final ArrayDeque<Pending> handOff;
  private final int handOffCapacity;
  private final SpoolFile spool;
  private final String instanceId;
  private final AppenderStats stats;
  private final SpoolWriter writer;
  private boolean spooling;
  private boolean closing;
  private long spoolBytes;
  private long pendingBytes;
  private long nextSeq = 1;
  private long droppedSinceReport;

  /**
   * A buffer with the hand-off {@link #handOffCapacity} gives, its writer named after the instance.
   *
   * @param spool the overflow on disk, or {@code null}: the {@code drop} policy
   */
  EventBuffer(int capacity, SpoolFile spool, String instanceId, AppenderStats stats) {
    this(capacity, handOffCapacity(capacity), spool, instanceId, stats, instanceId);
  }

  /**
   * Events that may wait for the spool writer next to a memory queue of {@code capacity}: as many,
   * and at least 1024, so a short stall of the disk costs no event.
   */
  static int handOffCapacity(int capacity) {
    return Math.max(capacity, 1024);
  }

  /**
   * @param handOffCapacity events that may wait for the spool writer
   * @param spool the overflow on disk, or {@code null}: the {@code drop} policy (and no writer)
   * @param name names the writer thread
   */
  EventBuffer(
      int capacity,
      int handOffCapacity,
      SpoolFile spool,
      String instanceId,
      AppenderStats stats,
      String name) {
    this.capacity = capacity;
    this.memory = new ArrayDeque<>(Math.min(capacity, 1024));
    this.handOffCapacity = handOffCapacity;
    this.handOff = new ArrayDeque<>(Math.min(handOffCapacity, 1024));
    this.spool = spool;
    this.instanceId = instanceId;
    this.stats = stats;
    this.spooling = spool != null && !spool.isEmpty();
    this.spoolBytes = spool == null ? 0 : spool.bytes();
    if (spool == null) {
      this.writer = null;
    } else {
      this.writer = new SpoolWriter(name, this::writeNext);
    }
  }

  /** Places one event, numbered; never waits for room, never touches the disk. */
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
    if (spool == null || closing || handOff.size() >= handOffCapacity) {
      return Outcome.DROPPED;
    }
    byte[] record;
    try {
      record = Spool.encode(event);
    } catch (UncheckedIOException e) {
      stats.spoolError();
      return Outcome.DROPPED;
    }
    // what the file holds plus what the hand-off will add: the file never goes over its cap
    if (spoolBytes + pendingBytes + record.length > spool.maxBytes()) {
      return Outcome.DROPPED;
    }
    handOff.addLast(new Pending(event, record));
    pendingBytes += record.length;
    spooling = true;
    handedOff.signal();
    return Outcome.SPOOLED;
  }

  /** Appends the hand-off's oldest event to the spool; false once closing and nothing is left. */
  private boolean writeNext() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (handOff.isEmpty()) {
        if (closing) {
          return false;
        }
        handedOff.await();
      }
    } finally {
      lock.unlock();
    }
    spoolLock.lockInterruptibly();
    try {
      Pending next;
      lock.lock();
      try {
        // the sender may have taken it straight from the hand-off meanwhile
        next = handOff.peekFirst();
      } finally {
        lock.unlock();
      }
      if (next == null) {
        return true;
      }
      boolean written;
      try {
        written = spool.append(next.record());
      } catch (UncheckedIOException e) {
        stats.spoolError();
        written = false;
      }
      lock.lock();
      try {
        // still the head unless a stop gave up on this write and counted the hand-off as lost
        if (handOff.peekFirst() == next) {
          handOff.pollFirst();
          pendingBytes -= next.record().length;
          if (!written) {
            droppedSinceReport++;
            stats.droppedFromSpool();
          }
        }
        spoolBytes = spool.bytes();
        stats.spoolBytes(spoolBytes);
        notEmpty.signal();
      } finally {
        lock.unlock();
      }
      return true;
    } finally {
      spoolLock.unlock();
    }
  }

  /**
   * Up to {@code max} events in number order, waiting at most {@code waitNanos} for the first. One
   * thread takes (the sender); while spooling it may wait for a spool write in progress, never for
   * a logging thread.
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
    } finally {
      lock.unlock();
    }
    return poll(max);
  }

  /**
   * Up to {@code max} events in number order, without waiting for events (even when interrupted).
   */
  List<OutgoingEvent> poll(int max) {
    List<OutgoingEvent> batch = new ArrayList<>();
    boolean fromSpool;
    lock.lock();
    try {
      while (batch.size() < max && !memory.isEmpty()) {
        batch.add(memory.pollFirst());
      }
      // while spooling nothing new enters memory, so what is left is spool and hand-off
      fromSpool = batch.size() < max && spooling;
    } finally {
      lock.unlock();
    }
    if (fromSpool) {
      spoolLock.lock();
      try {
        takeSpooled(batch, max);
      } finally {
        spoolLock.unlock();
      }
    }
    return batch;
  }

  /** The spool's events, then the hand-off's once the spool is empty; under {@code spoolLock}. */
  private void takeSpooled(List<OutgoingEvent> batch, int max) {
    if (!spool.isEmpty()) {
      try {
        batch.addAll(spool.read(max - batch.size()));
      } catch (UncheckedIOException e) {
        stats.spoolError();
      }
    }
    lock.lock();
    try {
      if (spool.isEmpty()) {
        while (batch.size() < max && !handOff.isEmpty()) {
          Pending pending = handOff.pollFirst();
          pendingBytes -= pending.record().length;
          batch.add(pending.event());
        }
        if (handOff.isEmpty()) {
          spooling = false;
        }
      }
      spoolBytes = spool.bytes();
      stats.spoolBytes(spoolBytes);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The events dropped since the last report, as one event numbered after them, or {@code null}
   * when none were. The count starts again from zero.
   */
  OutgoingEvent dropReport(long nowMillis) {
    long seq;
    long count;
    lock.lock();
    try {
      if (droppedSinceReport == 0) {
        return null;
      }
      seq = nextSeq++;
      count = droppedSinceReport;
      droppedSinceReport = 0;
    } finally {
      lock.unlock();
    }
    // built outside the lock the logging threads take: only the number and the count need it
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
    return new OutgoingEvent(seq, headers, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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

  /**
   * Lets the spool writer put what the hand-off holds into the spool (for at most a few seconds),
   * ends the writer and closes the spool. What was not written is counted as lost at stop. No
   * thread is left running unless the disk holds a write for longer than that.
   *
   * @throws IOException when the spool cannot be closed, or the writer is still inside a write
   */
  void close() throws IOException {
    if (spool == null) {
      return;
    }
    lock.lock();
    try {
      closing = true;
      handedOff.signalAll();
    } finally {
      lock.unlock();
    }
    boolean ended = writer.awaitEnd(CLOSE_WAIT_MILLIS);
    lock.lock();
    try {
      if (!handOff.isEmpty()) {
        stats.lostAtStop(handOff.size());
        handOff.clear();
        pendingBytes = 0;
      }
    } finally {
      lock.unlock();
    }
    if (!ended) {
      throw new IOException("the spool writer is still inside a write; the spool stays open");
    }
    spoolLock.lock();
    try {
      spool.close();
    } finally {
      spoolLock.unlock();
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
