package io.flumesentinel.alert;

import io.flumesentinel.event.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which reminders of still-firing alerts are due, and when the next one is: pure, from the ledger's
 * entries, the routes and an instant.
 *
 * <p>A firing alert is due again for a receiver once its route's repeat interval has passed since
 * that receiver last acknowledged it ({@link LedgerEntry#notifiedAt}), if the routes still name the
 * receiver, it is not being sent already, no silence mutes it and nobody acknowledged it (took it
 * in hand).
 */
final class Reminders {

  /** One reminder to send. */
  record Reminder(LedgerEntry entry, Dispatch dispatch) {}

  /**
   * @param now the reminders due at {@code at}
   * @param next when the next one falls due, or {@code null} if none is pending
   */
  record Due(List<Reminder> now, Instant next) {}

  private Reminders() {}

  /** The reminders due at {@code at} among {@code entries}, and when the next one is. */
  static Due due(Collection<LedgerEntry> entries, Router router, Instant at) {
    return due(entries, router, alert -> false, at);
  }

  /**
   * The reminders due at {@code at} among {@code entries} whose alerts nobody acknowledged, and
   * when the next one is.
   */
  static Due due(
      Collection<LedgerEntry> entries, Router router, Predicate<Alert> acknowledged, Instant at) {
    List<Reminder> due = new ArrayList<>();
    Instant next = null;
    for (LedgerEntry entry : entries) {
      if (!entry.alert.firing() || !entry.silencedBy.isEmpty()) {
        continue; // a muted alert is not repeated; when its silence ends, the ledger asks again
      }
      if (acknowledged.test(entry.alert)) {
        continue; // held until it resolves; if the acknowledgement goes, the ledger asks again
      }
      for (Dispatch dispatch : router.dispatches(entry.alert)) {
        String receiver = dispatch.receiver();
        Instant last = entry.notifiedAt.get(receiver);
        if (last == null || !entry.sentFiring(receiver) || entry.dispatched.contains(receiver)) {
          continue; // not told yet, or being told: its acknowledgement sets the next reminder
        }
        Instant dueAt = last.plus(dispatch.repeatInterval());
        if (dueAt.isAfter(at)) {
          next = next == null || dueAt.isBefore(next) ? dueAt : next;
        } else {
          due.add(new Reminder(entry, dispatch));
        }
      }
    }
    return new Due(List.copyOf(due), next);
  }
}
