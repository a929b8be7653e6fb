package io.flumesentinel.notify;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * How one kind of receiver (webhook, mail, …) is reached: one attempt to hand one batch to one
 * target. Everything around it — queueing, batching, order, failover across {@link #targets()},
 * back-off, stats, logs and acknowledgements — is {@link NotifierVerticle}'s, the same for every
 * channel.
 *
 * <p>Used from one notifier's context only.
 */
public interface Channel {

  /**
   * Where a batch can be delivered, tried in this order for each batch (failover); at least one.
   * Each is named as it appears in logs and stats, without secrets.
   */
  List<String> targets();

  /**
   * One attempt to deliver {@code batch} (oldest first, never empty), the alerts of one {@code
   * group}, to {@code target}, as one message.
   *
   * <p>Guarantee: the future always succeeds, with the outcome, and completes within the channel's
   * configured timeouts, on the caller's context. A channel that has nothing to send for a batch
   * (it filters some alerts out) answers {@link DeliveryOutcome#skipped()}.
   */
  Future<DeliveryOutcome> send(String target, AlertGroup group, List<Alert> batch);

  /**
   * The least time between the starts of two delivery rounds of this receiver, so that a receiver
   * with a rate limit (a chat robot's messages per minute) is never sent more than it accepts.
   * {@link NotifierVerticle} waits out the rest of it before taking the next batch, so alerts
   * arriving meanwhile go together in that batch instead of being refused or dropped. Zero (the
   * default): no limit.
   */
  default Duration minInterval() {
    return Duration.ZERO;
  }

  /** Releases connections; nothing is sent afterwards. */
  Future<Void> close();
}
