package io.flumesentinel.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A console that stops taking lines never holds up the threads that log: what does not fit the
 * queue is dropped and counted, exactly, and what was queued is written by the time logging stops.
 */
class NonBlockingAsyncAppenderTest {

  /** A console that takes no line until released, then keeps every line. */
  private static final class StuckConsole extends AppenderBase<ILoggingEvent> {
    final CountDownLatch released = new CountDownLatch(1);
    final List<String> written = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      try {
        released.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.add(event.getFormattedMessage());
    }
  }

  private static LoggerContext context() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    return context;
  }

  @Test
  void aStuckConsoleCostsDroppedAndCountedLinesNeverABlockedThread() {
    LoggerContext context = context();
    StuckConsole console = new StuckConsole();
    console.setContext(context);
    console.start();
    NonBlockingAsyncAppender async = new NonBlockingAsyncAppender();
    async.setContext(context);
    async.setQueueSize(8);
    async.addAppender(console);
    async.start();
    Logger logger = context.getLogger("alerts");
    logger.setLevel(Level.INFO);
    logger.addAppender(async);
    long droppedBefore = NonBlockingAsyncAppender.droppedLines();

    long started = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      logger.info("line {}", i);
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    long dropped = NonBlockingAsyncAppender.droppedLines() - droppedBefore;

    // The writer holds at most one batch (the line it took and a queue's worth it drained) and the
    // queue 8 more: the rest was dropped, not waited for.
    assertThat(elapsedMs).isLessThan(5_000);
    assertThat(dropped).isBetween(1000L - (1 + 2 * 8), 1000L - 8);

    console.released.countDown();
    // What Logging.flush does at shutdown: every queued line is written before logging stops.
    context.stop();
    assertThat(console.written).hasSize((int) (1000 - dropped));
    assertThat(console.written.get(0)).isEqualTo("line 0");
  }

  @Test
  void nothingIsDroppedWhileThereIsRoomWhateverTheLevel() {
    LoggerContext context = context();
    StuckConsole console = new StuckConsole();
    console.released.countDown();
    console.setContext(context);
    console.start();
    NonBlockingAsyncAppender async = new NonBlockingAsyncAppender();
    async.setContext(context);
    async.setQueueSize(256);
    async.addAppender(console);
    async.start();
    Logger logger = context.getLogger("alerts");
    logger.setLevel(Level.DEBUG);
    logger.addAppender(async);
    long droppedBefore = NonBlockingAsyncAppender.droppedLines();

    for (int i = 0; i < 200; i++) {
      logger.debug("debug {}", i);
    }
    context.stop();

    assertThat(NonBlockingAsyncAppender.droppedLines()).isEqualTo(droppedBefore);
    assertThat(console.written).hasSize(200);
  }
}
