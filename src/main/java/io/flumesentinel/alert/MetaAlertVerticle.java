package io.flumesentinel.alert;

import io.flumesentinel.config.WatchdogConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.DeadlineTimer;
import io.flumesentinel.event.Notice;
import io.flumesentinel.event.ReceiverHealth;
import io.flumesentinel.silence.SilenceIndex;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends the alerts about the alerting itself that {@link MetaAlerts} decides: the Watchdog every
 * interval, and {@code FlumeSentinelReceiverFailing} to a failing receiver's fallback, from the
 * {@link ReceiverHealth} the notifiers report. Runs on the active monitor only (one of the active
 * stages), so a cluster sends one Watchdog.
 *
 * <p>These alerts go straight to their receiver's notifier, not through the ledger or the routes:
 * the Watchdog fires for ever and would only fill the ledger, and a failing receiver is reported
 * where the config says, whatever the routes. Each is its own group, sent at once (no group wait,
 * no group interval), so the Watchdog arrives every interval. {@code FlumeSentinelReceiverFailing}
 * is published on {@link Addresses#ALERTS} and logged like every alert; a silence mutes it (the
 * Watchdog is never muted: silencing a dead man's switch would defeat it).
 */
public final class MetaAlertVerticle extends VerticleBase {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final MetaAlerts decisions;
  private final SilenceIndex silences;
  private final Clock clock;

  /** Receivers whose failure alert a silence muted: its resolution is not sent either. */
  private final Set<String> muted = new HashSet<>();

  private DeadlineTimer deadline;

  /**
   * @param fallbacks by receiver: its fallback and how long it may fail before being reported
   * @param monitor this monitor's name
   * @param externalUrl the monitor's address, linked from the alerts
   */
  public MetaAlertVerticle(
      WatchdogConfig watchdog,
      Map<String, Fallback> fallbacks,
      String monitor,
      String externalUrl,
      SilenceIndex silences,
      Clock clock) {
    Map<String, MetaAlerts.FailureRule> rules = new java.util.HashMap<>();
    fallbacks.forEach(
        (receiver, f) -> rules.put(receiver, new MetaAlerts.FailureRule(f.receiver(), f.after())));
    this.decisions = new MetaAlerts(watchdog, rules, monitor, externalUrl, clock);
    this.silences = silences;
    this.clock = clock;
  }

  /**
   * Where a receiver's failure is reported.
   *
   * @param receiver the fallback receiver
   * @param after how long the receiver may fail first
   */
  public record Fallback(String receiver, Duration after) {}

  @Override
  public Future<?> start() {
    deadline =
        new DeadlineTimer(vertx, clock, decisions::nextDeadline, () -> send(decisions.expire()));
    return vertx
        .eventBus()
        .<ReceiverHealth>localConsumer(
            Addresses.RECEIVER_HEALTH, m -> send(decisions.receiverHealth(m.body())))
        .completion()
        .onSuccess(listening -> send(decisions.started()));
  }

  private void send(List<MetaAlerts.Send> sends) {
    for (MetaAlerts.Send send : sends) {
      Alert alert = send.alert();
      boolean watchdog = alert.alertname().equals(MetaAlerts.WATCHDOG);
      boolean muted = !watchdog && muted(alert);
      if (!watchdog && !muted) {
        AlertPublication.publish(vertx.eventBus(), alert, List.of());
      }
      if (!muted) {
        AlertGroup group = AlertGroup.of("{}/meta", alert.labels(), Duration.ZERO, Duration.ZERO);
        vertx.eventBus().send(Addresses.notify(send.receiver()), new Notice(alert, group), LOCAL);
      }
    }
    deadline.reschedule();
  }

  /** Whether a silence mutes this failure alert; a resolution follows its firing notice. */
  private boolean muted(Alert alert) {
    String receiver = alert.labels().get("receiver");
    if (alert.firing()) {
      List<String> by = silences.silencedBy(alert.labels());
      if (!by.isEmpty()) {
        muted.add(receiver);
        AlertPublication.publish(vertx.eventBus(), alert, by);
        return true;
      }
      muted.remove(receiver);
      return false;
    }
    return muted.remove(receiver);
  }
}
