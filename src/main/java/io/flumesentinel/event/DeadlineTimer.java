package io.flumesentinel.event;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One Vert.x timer kept at a pure decision core's next deadline, for the verticle that runs it:
 * {@link #reschedule()} after each decision sets, moves or cancels the timer, and leaves it alone
 * when the deadline did not change (so a storm of decisions costs no timer churn). When it fires,
 * the timer is cleared before {@code onDeadline} runs, which is expected to reschedule. Used on the
 * verticle's own context only; undeploying the verticle cancels the timer.
 */
public final class DeadlineTimer {

  private final Vertx vertx;
  private final Clock clock;
  private final Supplier<Instant> nextDeadline;
  private final Runnable onDeadline;
  private long timer = -1;
  private Instant timerAt;

  /**
   * @param clock the decision core's clock, which turns its deadlines into delays
   * @param nextDeadline the core's next deadline, or {@code null} when it waits for nothing
   * @param onDeadline what the verticle does once the deadline has come
   */
  public DeadlineTimer(
      Vertx vertx, Clock clock, Supplier<Instant> nextDeadline, Runnable onDeadline) {
    this.vertx = vertx;
    this.clock = clock;
    this.nextDeadline = nextDeadline;
    this.onDeadline = onDeadline;
  }

  /** Keeps the one timer set at the current next deadline. */
  public void reschedule() {
    Instant next = nextDeadline.get();
    if (next == null ? timerAt == null : next.equals(timerAt)) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    timerAt = next;
    if (next == null) {
      return;
    }
    long delay = Math.max(1, Duration.between(clock.instant(), next).toMillis() + 1);
    timer =
        vertx.setTimer(
            delay,
            id -> {
              timer = -1;
              timerAt = null;
              onDeadline.run();
            });
  }
}
