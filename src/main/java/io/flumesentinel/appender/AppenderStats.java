package io.flumesentinel.appender;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** The counters behind {@link AppenderStatsMBean}; updated from any thread. */
public final class AppenderStats implements AppenderStatsMBean {

  private final LongAdder logged = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder spooled = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder resent = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder failovers = new LongAdder();
  private final LongAdder dropReports = new LongAdder();
  private final LongAdder lostAtStop = new LongAdder();
  private final LongAdder spoolErrors = new LongAdder();
  private final AtomicLong spoolBytes = new AtomicLong();
  private volatile String activeAgent = "";
  private volatile String agents = "";
  private volatile String agentSource = "";
  private volatile IntSupplier queueSize = () -> 0;

  void accepted(boolean toSpool) {
    logged.increment();
    accepted.increment();
    if (toSpool) {
      spooled.increment();
    }
  }

  void dropped() {
    logged.increment();
    dropped.increment();
  }

  /** An event accepted for the spool that the spool writer could not write: a drop after all. */
  void droppedFromSpool() {
    accepted.decrement();
    spooled.decrement();
    dropped.increment();
  }

  void sent(int events, boolean resend, boolean withDropReport) {
    sent.add(events);
    batches.increment();
    if (resend) {
      resent.increment();
    }
    if (withDropReport) {
      dropReports.increment();
    }
  }

  void sendFailed() {
    failures.increment();
  }

  void failover(String agent) {
    failovers.increment();
    activeAgent = agent;
  }

  void active(String agent) {
    activeAgent = agent;
  }

  void agents(String list, String source) {
    agents = list;
    agentSource = source;
  }

  void lostAtStop(long events) {
    lostAtStop.add(events);
  }

  void spoolError() {
    spoolErrors.increment();
  }

  void spoolBytes(long bytes) {
    spoolBytes.set(bytes);
  }

  void queueSize(IntSupplier size) {
    queueSize = size;
  }

  @Override
  public long getEventsLogged() {
    return logged.sum();
  }

  @Override
  public long getEventsAccepted() {
    return accepted.sum();
  }

  @Override
  public long getEventsSpooled() {
    return spooled.sum();
  }

  @Override
  public long getEventsDropped() {
    return dropped.sum();
  }

  @Override
  public long getEventsSent() {
    return sent.sum();
  }

  @Override
  public long getBatchesSent() {
    return batches.sum();
  }

  @Override
  public long getBatchesResent() {
    return resent.sum();
  }

  @Override
  public long getSendFailures() {
    return failures.sum();
  }

  @Override
  public long getFailovers() {
    return failovers.sum();
  }

  @Override
  public long getDropReportsSent() {
    return dropReports.sum();
  }

  @Override
  public long getEventsLostAtStop() {
    return lostAtStop.sum();
  }

  @Override
  public long getSpoolErrors() {
    return spoolErrors.sum();
  }

  @Override
  public int getQueueSize() {
    return queueSize.getAsInt();
  }

  @Override
  public long getSpoolBytes() {
    return spoolBytes.get();
  }

  @Override
  public String getActiveAgent() {
    return activeAgent;
  }

  @Override
  public String getAgents() {
    return agents;
  }

  @Override
  public String getAgentSource() {
    return agentSource;
  }
}
