package io.flumesentinel.shape;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reconciliation;
import java.time.Instant;
import java.util.List;

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
}
