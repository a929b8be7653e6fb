package io.flumesentinel.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logback's {@link AsyncAppender} that never blocks the logging thread and counts what it drops.
 *
 * <p>An event loop that logs must never wait for a slow terminal or pipe: when the queue is full,
 * the line is dropped and counted, and {@link #droppedLines()} tells how many were (the monitor's
 * {@code /status} shows it). Nothing is discarded before the queue is full, whatever its level
 * (alert lines are INFO and matter), so the queue is sized to hold a storm's lines.
 *
 * <p>Logback's own {@code neverBlock} drops silently; here the check for room and the enqueueing
 * happen under one lock, so every dropped line is counted exactly: only the appending thread adds
 * to the queue, the worker only takes from it, so room seen under the lock is still there for the
 * {@code offer}. The message is formatted before the lock is taken.
 */
public class NonBlockingAsyncAppender extends AsyncAppender {

  private static final LongAdder DROPPED = new LongAdder();

  private final Object enqueueing = new Object();

  public NonBlockingAsyncAppender() {
    setNeverBlock(true);
    setDiscardingThreshold(0);
  }

  /** Lines dropped because a queue was full, by every appender of this class since start-up. */
  public static long droppedLines() {
    return DROPPED.sum();
  }

  @Override
  protected void append(ILoggingEvent event) {
    // Formats the message and copies what the worker thread will need (idempotent).
    preprocess(event);
    synchronized (enqueueing) {
      if (getRemainingCapacity() == 0) {
        DROPPED.increment();
        return;
      }
      super.append(event);
    }
  }
}
