package io.flumesentinel.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
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
    if (QuietThreads.quiet()) {
      formatAndDrop(event);
      return;
    }
    synchronized (enqueueing) {
      if (getRemainingCapacity() == 0) {
        DROPPED.increment();
        return;
      }
      super.append(event);
    }
  }

  /**
   * A line of a {@link QuietThreads quiet} thread (a storm rehearsal's): turned into the bytes the
   * console would get, by the encoders of the appenders this one writes to, then dropped. Why not
   * drop it at once: the rehearsal exists so that the JVM compiles what a storm runs, and a storm
   * logs a line per alert; with its lines dropped before their layout, the layout was compiled in
   * the first real storm instead.
   */
  private void formatAndDrop(ILoggingEvent event) {
    for (Iterator<Appender<ILoggingEvent>> it = iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> output
          && output.getEncoder() != null) {
        output.getEncoder().encode(event);
      }
    }
  }
}
