package io.flumesentinel.appender;

/**
 * The appender's counters over JMX, under {@code io.flumesentinel.appender:type=FlumeAppender,
 * name=<appender name>}. Counts are since the appender started.
 */
public interface AppenderStatsMBean {

  /** Events the application logged to the appender. */
  long getEventsLogged();

  /** Events taken into the memory queue or the spool. */
  long getEventsAccepted();

  /** Events that went to the spool because the memory queue was full. */
  long getEventsSpooled();

  /**
   * Events dropped: queue full (and, with the spool, the spool writer's hand-off or the spool full,
   * or a write the disk refused). Never silent: see {@link #getDropReportsSent}.
   */
  long getEventsDropped();

  /** Events an agent accepted (re-sent ones count each time). */
  long getEventsSent();

  /** Batches an agent accepted. */
  long getBatchesSent();

  /** Batches sent again after a failure (to the next agent). */
  long getBatchesResent();

  /** Failed attempts to send a batch. */
  long getSendFailures();

  /** Times the active agent changed after a failure. */
  long getFailovers();

  /** Events reporting drops that an agent accepted. */
  long getDropReportsSent();

  /**
   * Events still in memory or the spool when a stop's flush ran out of time, and those the spool
   * writer could not write before the stop gave up on it.
   */
  long getEventsLostAtStop();

  /** Writes or reads of the spool the disk refused. */
  long getSpoolErrors();

  /** Events waiting in memory now. */
  int getQueueSize();

  /** Bytes in the spool file now (never above {@code spoolMaxBytes}). */
  long getSpoolBytes();

  /** The agent that gets the batches ({@code host:port}), empty before the first. */
  String getActiveAgent();

  /** The agents known now, in the order they are tried, comma-separated. */
  String getAgents();

  /** Where the agent list comes from now: {@code zookeeper}, {@code last-known}, {@code static}. */
  String getAgentSource();
}
