package io.flumesentinel.appender;

/**
 * The thread that appends overflow events to the spool, so that no logging thread ever touches the
 * disk: a daemon named {@code flume-sentinel-spool-writer-<name>} that runs {@link EventBuffer}'s
 * write step until the step says there is nothing more to do. It is ended within a bound: a thread
 * is left behind only while the disk holds a single write.
 */
final class SpoolWriter {

  /** One write; false once stopping and nothing is left to write. */
  interface Step {
    boolean writeNext() throws InterruptedException;
  }

  private final Thread thread;

  /** Starts the thread. */
  SpoolWriter(String appenderName, Step step) {
    thread = new Thread(() -> run(step), threadName(appenderName));
    thread.setDaemon(true);
    thread.start();
  }

  /** The name of the spool writer thread of the appender called {@code appenderName}. */
  static String threadName(String appenderName) {
    return "flume-sentinel-spool-writer-" + appenderName;
  }

  private static void run(Step step) {
    try {
      while (step.writeNext()) {
        // one record per turn, so the sender can read between two writes
      }
    } catch (InterruptedException e) {
      // a stop gave up waiting: what is left is counted by the buffer
    }
  }

  /**
   * Waits up to {@code waitMillis} for the thread to end by itself (the step having seen the stop),
   * then interrupts it and waits as long again. An interrupt of the calling thread cuts the wait
   * short and is kept.
   *
   * @return whether the thread ended
   */
  boolean awaitEnd(long waitMillis) {
    try {
      thread.join(waitMillis);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(waitMillis);
      }
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }
}
