package io.flumesentinel.appender;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Between the logging threads and the sender: a bounded queue in memory and, with the {@code spool}
 * policy, a bounded {@link SpoolFile} on disk for what does not fit. {@link #offer} never waits for
 * room, never does I/O of any kind and never waits for the sender or the spool writer: it only
 * works in memory, on lock-free {@code java.util.concurrent} queues and atomic counters that the
 * sender and the writer take from without a lock a logging thread needs. An event that does not fit
 * in memory goes to a bounded hand-off, also in memory, from which a thread of its own (the {@link
 * SpoolWriter}) appends it to the spool. An event that fits nowhere (hand-off full because the disk
 * is slow, or the spool at its cap counting what the hand-off still holds) is dropped and counted.
 *
 * <p>Order: each event gets its number ({@link EventHeaders#SEQ}) in the same step that places it,
 * and logging threads take these steps one at a time ({@code placing}, held for a few instructions
 * in memory and taken by no other thread but {@link #close}), so numbers follow the order in which
 * events are placed. Once an event went to the hand-off, every later one goes there too until the
 * sender has read the spool and the hand-off empty: {@code route} is either {@link #MEMORY} or the
 * number of events handed off and not yet in the spool or taken, and only the sender turns it back
 * to {@link #MEMORY}, with a compare-and-set that fails while a logging thread is handing an event
 * over. The sender drains memory first, then the spool, then (once the spool is empty) the hand-off
 * itself, and the writer takes the hand-off's oldest event; so the sender takes events in number
 * order.
 *
 * <p>Locks: {@code placing} is taken only by logging threads (and by {@link #close}, once); {@code
 * spoolLock} guards the file and is taken by the writer (appends) and the sender (reads), never by
 * a logging thread. Neither the sender nor the writer holds anything a logging thread waits for.
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

  /** {@code route} when events go to memory; any other value is the hand-off's event count. */
  private static final int MEMORY = -1;

  /** An event waiting for the spool writer, with the record it becomes in the file. */
  private static final class Pending {
    final OutgoingEvent event;
    final byte[] record;

    Pending(OutgoingEvent event, byte[] record) {
      this.event = event;
      this.record = record;
    }
  }

  private final ReentrantLock placing = new ReentrantLock();
  private final ReentrantLock spoolLock = new ReentrantLock();
  // wake-ups without a lock: a logging thread only adds a permit, never waits for one
  private final Semaphore arrived = new Semaphore(0);
  private final Semaphore handedOff = new Semaphore(0);
  private final ConcurrentLinkedQueue<OutgoingEvent> memory = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inMemory = new AtomicInteger();
  private final int capacity;
  private final ConcurrentLinkedQueue<Pending> handOff = new ConcurrentLinkedQueue<>();
  private final AtomicInteger route;
  private final int handOffCapacity;
  private final SpoolFile spool;
  private final String instanceId;
  private final AppenderStats stats;
  private final SpoolWriter writer;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong nextSeq = new AtomicLong(1);
  private final AtomicLong droppedSinceReport = new AtomicLong();
  private volatile boolean closing;
  private volatile long spoolBytes;

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
    this.handOffCapacity = handOffCapacity;
    this.spool = spool;
    this.instanceId = instanceId;
    this.stats = stats;
    // a spool left by a previous run is sent before anything new
    this.route = new AtomicInteger(spool != null && !spool.isEmpty() ? 0 : MEMORY);
    this.spoolBytes = spool == null ? 0 : spool.bytes();
    if (spool == null) {
      this.writer = null;
    } else {
      this.writer = new SpoolWriter(name, this::writeNext);
    }
  }

  /**
   * Places one event, numbered; never waits for room, never touches the disk, never waits for the
   * sender or the spool writer.
   */
  Outcome offer(Map<String, String> headers, byte[] body) {
    Map<String, String> all = new HashMap<>(headers);
    all.put(EventHeaders.INSTANCE, instanceId);
    Outcome outcome;
    placing.lock();
    try {
      long seq = nextSeq.getAndIncrement();
      all.put(EventHeaders.SEQ, Long.toString(seq));
      outcome = place(new OutgoingEvent(seq, all, body));
    } finally {
      placing.unlock();
    }
    if (outcome == Outcome.DROPPED) {
      droppedSinceReport.incrementAndGet();
      stats.dropped();
    } else {
      stats.accepted(outcome == Outcome.SPOOLED);
      signal(arrived);
    }
    return outcome;
  }

  /** Under {@code placing}: only logging threads add to memory or to the hand-off. */
  private Outcome place(OutgoingEvent event) {
    // route only leaves MEMORY here, so it stays MEMORY until this event is in
    if (route.get() == MEMORY && inMemory.get() < capacity) {
      inMemory.incrementAndGet();
      memory.add(event);
      return Outcome.QUEUED;
    }
    if (spool == null || closing) {
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
    if (spoolBytes + pendingBytes.get() + record.length > spool.maxBytes()) {
      return Outcome.DROPPED;
    }
    while (true) {
      int count = route.get();
      int handedOver = count == MEMORY ? 0 : count;
      if (handedOver >= handOffCapacity) {
        return Outcome.DROPPED;
      }
      // counted before it is in, so the sender cannot end spooling while it is on its way
      if (route.compareAndSet(count, handedOver + 1)) {
        break;
      }
    }
    pendingBytes.addAndGet(record.length);
    handOff.add(new Pending(event, record));
    signal(handedOff);
    return Outcome.SPOOLED;
  }

  /** One handed-off event left the hand-off: into the spool, to the sender, or lost. */
  private void leftHandOff(Pending pending) {
    pendingBytes.addAndGet(-pending.record.length);
    route.decrementAndGet();
  }

  /** Appends the hand-off's oldest event to the spool; false once closing and nothing is left. */
  private boolean writeNext() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    while (true) {
      // read before looking at the hand-off: once closing, no logging thread adds to it
      boolean stop = closing;
      if (!handOff.isEmpty()) {
        break;
      }
      if (stop) {
        return false;
      }
      handedOff.acquire();
    }
    spoolLock.lockInterruptibly();
    try {
      // the sender may have taken it straight from the hand-off meanwhile
      Pending next = handOff.peek();
      if (next == null) {
        return true;
      }
      boolean written;
      try {
        written = spool.append(next.record);
      } catch (UncheckedIOException e) {
        stats.spoolError();
        written = false;
      }
      spoolBytes = spool.bytes();
      stats.spoolBytes(spoolBytes);
      // still there unless a stop gave up on this write and counted the hand-off as lost
      if (handOff.remove(next)) {
        leftHandOff(next);
        if (!written) {
          droppedSinceReport.incrementAndGet();
          stats.droppedFromSpool();
        }
      }
      signal(arrived);
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
    long deadline = System.nanoTime() + waitNanos;
    long remaining = waitNanos;
    while (memory.isEmpty() && route.get() == MEMORY && remaining > 0) {
      arrived.tryAcquire(remaining, TimeUnit.NANOSECONDS);
      remaining = deadline - System.nanoTime();
    }
    return poll(max);
  }

  /**
   * Up to {@code max} events in number order, without waiting for events (even when interrupted).
   */
  List<OutgoingEvent> poll(int max) {
    List<OutgoingEvent> batch = new ArrayList<>();
    // read first: while spooling nothing new enters memory, so once memory is drained what is
    // left is spool and hand-off
    boolean spooling = route.get() != MEMORY;
    OutgoingEvent event;
    while (batch.size() < max && (event = memory.poll()) != null) {
      inMemory.decrementAndGet();
      batch.add(event);
    }
    if (spooling && batch.size() < max) {
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
    if (spool.isEmpty()) {
      Pending pending;
      while (batch.size() < max && (pending = handOff.poll()) != null) {
        leftHandOff(pending);
        batch.add(pending.event);
      }
      // fails while a logging thread is handing an event over: it comes with the next batch
      route.compareAndSet(0, MEMORY);
    }
    spoolBytes = spool.bytes();
    stats.spoolBytes(spoolBytes);
  }

  /**
   * The events dropped since the last report, as one event numbered after them, or {@code null}
   * when none were. The count starts again from zero.
   */
  OutgoingEvent dropReport(long nowMillis) {
    if (droppedSinceReport.get() == 0) {
      return null;
    }
    long count = droppedSinceReport.getAndSet(0);
    // numbered after the drops it counts: each drop took its number before being counted
    long seq = nextSeq.getAndIncrement();
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
    return inMemory.get();
  }

  /** Events waiting in memory or in the spool. */
  boolean isEmpty() {
    return route.get() == MEMORY && memory.isEmpty();
  }

  /** Wakes a sender waiting in {@link #take}. */
  void wakeUp() {
    signal(arrived);
  }

  /** Adds a permit unless one is already there: enough to wake the one thread that waits. */
  private static void signal(Semaphore wakeUps) {
    if (wakeUps.availablePermits() == 0) {
      wakeUps.release();
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
    // taken so that no logging thread is between its check of closing and the hand-off
    placing.lock();
    try {
      closing = true;
    } finally {
      placing.unlock();
    }
    signal(handedOff);
    boolean ended = writer.awaitEnd(CLOSE_WAIT_MILLIS);
    long lost = 0;
    Pending pending;
    while ((pending = handOff.poll()) != null) {
      leftHandOff(pending);
      lost++;
    }
    if (lost > 0) {
      stats.lostAtStop(lost);
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
    return nextSeq.get() - 1;
  }
}
