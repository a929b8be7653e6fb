package io.flumesentinel.alert;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The ledger's reminders of still-firing alerts: which are due, and one timer for the next.
 *
 * <p>A firing alert is due again for a receiver once its route's repeat interval has passed since
 * that receiver last acknowledged it ({@link LedgerEntry#notifiedAt}), if the routes still name the
 * receiver, it is not being sent already and no silence mutes it. {@link #due} decides, purely; the
 * timer only says when to ask again. Used from the ledger's context only.
 */
final class Reminders {

  /** One reminder to send. */
  record Reminder(LedgerEntry entry, Dispatch dispatch) {}

  /**
   * @param now the reminders due at {@code at}
   * @param next when the next one falls due, or {@code null} if none is pending
   */
  record Due(List<Reminder> now, Instant next) {}

  private final Vertx vertx;
  private final Clock clock;
  private final Duration recheckAtMost;
  private final Runnable check;
  private long timer = -1;
  private Instant timerAt;

  /**
   * @param recheckAtMost the longest the timer runs: it counts monotonic time while due times are
   *     the wall clock's, so a clock that was set or a host that slept costs at most this much
   * @param check what to run when the timer fires
   */
  Reminders(Vertx vertx, Clock clock, Duration recheckAtMost, Runnable check) {
    this.vertx = vertx;
    this.clock = clock;
    this.recheckAtMost = recheckAtMost;
    this.check = check;
  }

  /** The reminders due at {@code at} among {@code entries}, and when the next one is. */
  static Due due(Collection<LedgerEntry> entries, Router router, Instant at) {
    List<Reminder> due = new ArrayList<>();
    Instant next = null;
    for (LedgerEntry entry : entries) {
      if (!entry.alert.firing() || !entry.silencedBy.isEmpty()) {
        continue; // a muted alert is not repeated; when its silence ends, the ledger asks again
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

  /** Makes sure {@code check} runs by {@code due}, keeping an earlier run if one is set. */
  void checkBy(Instant due) {
    if (timer != -1 && !due.isBefore(timerAt)) {
      return;
    }
    vertx.cancelTimer(timer);
    Instant now = clock.instant();
    long delayMillis =
        Math.max(1, Math.min(Duration.between(now, due).toMillis(), recheckAtMost.toMillis()));
    timerAt = now.plusMillis(delayMillis);
    timer =
        vertx.setTimer(
            delayMillis,
            id -> {
              timer = -1;
              check.run();
            });
  }

  void cancel() {
    vertx.cancelTimer(timer);
    timer = -1;
  }
}
