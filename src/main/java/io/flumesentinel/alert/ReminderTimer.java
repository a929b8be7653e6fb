package io.flumesentinel.alert;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The ledger's one timer for reminders: makes sure a check runs by the earliest instant it was
 * asked for. Used from the ledger's context only.
 */
final class ReminderTimer {

  private final Vertx vertx;
  private final Clock clock;
  private final Duration recheckAtMost;
  private final Runnable check;
  private long timer = -1;
  private Instant timerAt;

  /**
   * @param clock the clock the instants asked for are on
   * @param recheckAtMost the longest the timer runs: it counts monotonic time while due times are
   *     the wall clock's, so a clock that was set or a host that slept costs at most this much
   * @param check what to run when the timer fires
   */
  ReminderTimer(Vertx vertx, Clock clock, Duration recheckAtMost, Runnable check) {
    this.vertx = vertx;
    this.clock = clock;
    this.recheckAtMost = recheckAtMost;
    this.check = check;
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
