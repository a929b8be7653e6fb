package io.flumesentinel.appender;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The one thread that sends: it takes a batch from the {@link EventBuffer}, asks {@link Failover}
 * for an agent, and sends the batch until an agent accepts it. A batch that failed is the next one
 * sent (to the next agent), unchanged but for the attempt, so each instance's events reach Flume in
 * sequence order, at least once; a batch sent again keeps its {@link EventHeaders#BATCH} number and
 * its events their {@link EventHeaders#SEQ}.
 *
 * <p>Drops are reported downstream: the first batch formed after events were dropped starts with an
 * event saying how many ({@link EventBuffer#dropReport}).
 *
 * <p>{@link #stop} sends what is queued for at most the shutdown timeout, then gives up, counts
 * what is left ({@link AppenderStats#getEventsLostAtStop}) and ends the thread.
 */
final class Sender {

  /** How long the thread waits for an event before it looks at its state again. */
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final AppenderSettings settings;
  private final EventBuffer buffer;
  private final Transport transport;
  private final AppenderStats stats;
  private final Diagnostics diagnostics;
  private final LongSupplier clockMillis;
  private final LongSupplier wallMillis;
  private final Failover failover;
  private final Thread thread;
  private volatile List<AgentAddress> agents = List.of();
  private volatile boolean agentsChanged;
  private volatile long stopDeadlineNanos;
  private volatile boolean stopping;
  private String lastFailure;

  /**
   * @param clockMillis a monotonic clock in milliseconds (back-off deadlines)
   * @param wallMillis the wall clock (the drop report's timestamp)
   */
  Sender(
      AppenderSettings settings,
      EventBuffer buffer,
      Transport transport,
      AppenderStats stats,
      Diagnostics diagnostics,
      LongSupplier clockMillis,
      LongSupplier wallMillis,
      DoubleSupplier random) {
    this.settings = settings;
    this.buffer = buffer;
    this.transport = transport;
    this.stats = stats;
    this.diagnostics = diagnostics;
    this.clockMillis = clockMillis;
    this.wallMillis = wallMillis;
    this.failover = new Failover(settings.backoff(), random);
    this.thread = new Thread(this::run, "flume-sentinel-appender-" + settings.name());
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  Thread thread() {
    return thread;
  }

  /** A new agent list (from discovery or the static list); taken before the next choice. */
  void agents(List<AgentAddress> list) {
    agents = List.copyOf(list);
    agentsChanged = true;
    LockSupport.unpark(thread);
    buffer.wakeUp();
  }

  /**
   * Sends what is queued for at most the shutdown timeout and ends the thread.
   *
   * @return whether the thread ended (it always should, a little after the timeout)
   */
  boolean stop() throws InterruptedException {
    long timeout = settings.shutdownTimeout().toNanos();
    stopDeadlineNanos = System.nanoTime() + timeout;
    stopping = true;
    LockSupport.unpark(thread);
    buffer.wakeUp();
    // the request timeout bounds a send under way when the deadline passes
    thread.join(
        TimeUnit.NANOSECONDS.toMillis(timeout) + settings.requestTimeout().toMillis() + 1000);
    if (thread.isAlive()) {
      thread.interrupt();
      thread.join(1000);
    }
    return !thread.isAlive();
  }

  private boolean pastDeadline() {
    return stopping && System.nanoTime() - stopDeadlineNanos >= 0;
  }

  private void run() {
    Batch batch = null;
    long batches = 0;
    try {
      while (true) {
        if (agentsChanged) {
          agentsChanged = false;
          failover.setAgents(agents);
        }
        if (batch == null) {
          if (stopping && (buffer.isEmpty() || pastDeadline())) {
            break;
          }
          List<OutgoingEvent> events = new ArrayList<>();
          OutgoingEvent report = buffer.dropReport(wallMillis.getAsLong());
          if (report != null) {
            events.add(report);
          }
          events.addAll(buffer.take(settings.batchSize(), stopping ? 0 : IDLE_NANOS));
          if (events.isEmpty()) {
            continue;
          }
          batch = new Batch(++batches, events, report != null);
        }
        if (pastDeadline()) {
          break;
        }
        batch = attempt(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      diagnostics.error("the sender stopped on an unexpected error; events are no longer sent", e);
    } finally {
      long left = (batch == null ? 0 : batch.events.size()) + drain();
      if (left > 0) {
        stats.lostAtStop(left);
        diagnostics.warn(
            left
                + " events not sent within the shutdown timeout of "
                + settings.shutdownTimeout().toMillis()
                + " ms");
      }
      transport.close();
    }
  }

  /** One attempt at {@code batch}: {@code null} when sent, else the batch to try again. */
  private Batch attempt(Batch batch) throws InterruptedException {
    long now = clockMillis.getAsLong();
    Failover.Choice choice = failover.choose(now);
    if (choice instanceof Failover.Send send) {
      if (send.switched()) {
        stats.failover(send.agent().endpoint());
        diagnostics.info(
            "sending to " + send.agent().name() + " (" + send.agent().endpoint() + ")");
      } else {
        stats.active(send.agent().endpoint());
      }
      try {
        transport.send(send.agent(), batch.number, batch.events);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        failover.failed(send.agent(), clockMillis.getAsLong());
        stats.sendFailed();
        String failure = send.agent().endpoint() + ": " + e.getClass().getSimpleName();
        if (!failure.equals(lastFailure)) {
          // log when the failure changes, not on every attempt
          diagnostics.warn(
              "agent "
                  + send.agent().name()
                  + " ("
                  + send.agent().endpoint()
                  + ") did not take a batch: "
                  + e.getMessage());
          lastFailure = failure;
        }
        batch.attempts++;
        return batch;
      }
      failover.succeeded(send.agent());
      stats.sent(batch.events.size(), batch.attempts > 0, batch.withDropReport);
      if (lastFailure != null) {
        diagnostics.info(
            "agent " + send.agent().name() + " (" + send.agent().endpoint() + ") takes batches");
        lastFailure = null;
      }
      return null;
    }
    long waitMillis =
        choice instanceof Failover.Wait wait ? Math.max(1, wait.untilMillis() - now) : 200;
    if (choice instanceof Failover.NoAgent && !"no agent".equals(lastFailure)) {
      diagnostics.warn("no agent to send to; events wait in the queue");
      lastFailure = "no agent";
    }
    // woken early by a new agent list or a stop
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(waitMillis, 200)));
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    return batch;
  }

  private long drain() {
    long count = 0;
    List<OutgoingEvent> left;
    while (!(left = buffer.poll(settings.batchSize())).isEmpty()) {
      count += left.size();
    }
    return count;
  }

  private static final class Batch {
    final long number;
    final List<OutgoingEvent> events;
    final boolean withDropReport;
    int attempts;

    Batch(long number, List<OutgoingEvent> events, boolean withDropReport) {
      this.number = number;
      this.events = events;
      this.withDropReport = withDropReport;
    }
  }
}
