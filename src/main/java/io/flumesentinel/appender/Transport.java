package io.flumesentinel.appender;

import java.util.List;

/** Delivers one batch to one agent; used by the sender thread only. */
interface Transport extends AutoCloseable {

  /**
   * Sends {@code events}, each with the header {@link EventHeaders#BATCH} = {@code batch}, and
   * returns once {@code agent} accepted all of them.
   *
   * @throws Exception when the agent did not accept them (not reachable, timed out, refused)
   */
  void send(AgentAddress agent, long batch, List<OutgoingEvent> events) throws Exception;

  /** Releases connections and their threads. */
  @Override
  void close();
}
