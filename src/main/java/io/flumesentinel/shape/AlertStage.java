package io.flumesentinel.shape;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reconciliation;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One step that reshapes the classifier's alert transitions before the ledger sees them: it may
 * pass a transition on, hold it back, or put other alerts in its place. Pure: no I/O, time from an
 * injected clock; {@link StageVerticle} runs it on the event bus and calls {@link #expire()} at
 * {@link #nextDeadline()}.
 *
 * <p>Used from one thread (one verticle's context) only.
 */
public interface AlertStage {

  /** What to send on for one transition, in order; empty when it is held back. */
  List<Alert> apply(Alert transition);

  /**
   * The start-up state as this stage passes it on: the ledger resolves whatever it has on record
   * that is not in the returned {@code firing}, so a stage lists every alert of its own that fires.
   */
  Reconciliation reconcile(Reconciliation reconciliation);

  /** What time brings: the transitions due at the clock's now, in order. */
  List<Alert> expire();

  /** When {@link #expire()} has something to do next; {@code null} when nothing is waiting. */
  Instant nextDeadline();

  /**
   * Whether this stage is told which agents are registered, in which group ({@link #registrations},
   * {@link #registration}); most stages judge from the alerts alone.
   */
  default boolean followsRegistrations() {
    return false;
  }

  /**
   * Every registered agent and its group, as the watch loaded them when this stage began: replaces
   * what was known; returns what to send on because of it, in order. Comes before the {@link
   * #reconcile reconciliation} of the same load.
   */
  default List<Alert> registrations(Map<String, String> groupByAgent) {
    return List.of();
  }

  /**
   * One agent registered or changed its node ({@code group} its group), or was deregistered ({@code
   * group} {@code null}): what to send on because of it, in order.
   */
  default List<Alert> registration(String agentId, String group) {
    return List.of();
  }
}
