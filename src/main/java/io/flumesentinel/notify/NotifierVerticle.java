package io.flumesentinel.notify;

import io.flumesentinel.config.ReceiverConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.DeliveryAttempt;
import io.flumesentinel.event.Notice;
import io.flumesentinel.event.ReceiverHealth;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the {@link Notice}s (alert transitions with their group) sent to {@link
 * Addresses#notify(String)} to one receiver through its {@link Channel}.
 *
 * <p>Guarantees, whatever the channel:
 *
 * <ul>
 *   <li>Never blocks the sender nor an event loop: alerts are queued, sends and back-off are
 *       asynchronous.
 *   <li>Groups: one send carries alerts of one {@link AlertGroup} only. When alerts of several
 *       groups wait, the group of the oldest goes first, each group its own send (paced like any
 *       other).
 *   <li>Order: exactly one send is in flight, and a failed batch is sent again before anything
 *       newer of its group; within a group alerts keep the order they arrived in.
 *   <li>Latency: an alert arriving while the notifier is idle is sent at once, with no timer in
 *       between; alerts arriving while a send is in flight or backing off go together in the next
 *       send of their group, up to {@code maxBatch}. Only a group with a {@code groupWait} waits:
 *       the first alert of a new group (none of its alerts firing, as far as this notifier was
 *       told) is held that long, and its siblings arriving meanwhile go with it. A group with a
 *       {@code groupInterval} sends at most once per that interval: what it gets meanwhile goes
 *       together when the interval is over (a storm: the first alert at once, the rest in one more
 *       message).
 *   <li>Failover: a retryable failure (a 5xx or 429 over HTTP, a 4xx over SMTP, a timeout, a
 *       connection error) on one target tries the next target with the same batch at once; when
 *       every target failed, the batch waits {@link Backoff#nextDelay()} and the round starts again
 *       from the first target. Each batch starts from the first target, and a success resets the
 *       back-off.
 *   <li>A permanent refusal is logged with the receiver's answer, counted as rejected, and not
 *       retried, so it cannot hold later alerts back.
 *   <li>A failure is logged when it starts or changes, not on every retry; a recovery once.
 *   <li>A full queue collapses superseded transitions, then drops the oldest; each drop is counted
 *       and logged with the alert key.
 *   <li>Pacing: rounds start at least {@link Channel#minInterval()} apart; until then alerts stay
 *       queued and go together in the next batch, so a rate-limited receiver gets fewer, bigger
 *       messages and nothing is dropped for it.
 *   <li>After each accepted batch, {@link Delivered} goes to {@link Addresses#DELIVERED} (local
 *       only).
 *   <li>When the receiver starts failing (a round in which every target failed, or a refusal) or
 *       accepts a batch again, a {@link ReceiverHealth} is published on {@link
 *       Addresses#RECEIVER_HEALTH} (local only), once per change.
 *   <li>Every attempt, whatever its outcome, is published as a {@link DeliveryAttempt} on {@link
 *       Addresses#DELIVERIES}, its error text without the receiver's secrets.
 * </ul>
 *
 * <p>What goes when and where is decided by a {@link DeliverySchedule}; this verticle carries it
 * out: it moves the messages, calls the channel, keeps the one timer the schedule asks for, and
 * logs and counts what happened.
 *
 * <p>Caveat: transitions still queued when the verticle is undeployed are not sent; they are
 * logged, and the alert ledger, which never got their {@link Delivered}, is the place to resend
 * them from.
 */
public final class NotifierVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(NotifierVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final ReceiverConfig config;
  private final Function<Vertx, Channel> channelFactory;
  private final Clock clock;
  private final NotifierStats stats;
  private final ErrorChanges errors = new ErrorChanges();

  /** Stamps the published attempts: they are read by people, next to other wall-clock times. */
  private final Clock wallClock = Clock.systemUTC();

  private DeliverySchedule schedule;
  private Channel channel;
  private boolean stopped;

  /**
   * Whether the receiver last failed (a round of every target, or a refusal) rather than accepted.
   */
  private boolean failing;

  /** The timer set for the schedule's wake-up, or -1. */
  private long timer = -1;

  /** When {@link #timer} wakes the schedule; meaningful while it is set. */
  private Instant timerAt = Instant.MIN;

  /**
   * @param channelFactory opens the channel at deployment; an {@link IllegalArgumentException} it
   *     throws fails the deployment with a message naming the receiver
   */
  public NotifierVerticle(ReceiverConfig config, Function<Vertx, Channel> channelFactory) {
    this(config, channelFactory, new ElapsedClock());
  }

  /**
   * @param clock measures holds, pace and back-off; it should never go back, as the default one
   *     (elapsed time since deployment) does not
   */
  public NotifierVerticle(
      ReceiverConfig config, Function<Vertx, Channel> channelFactory, Clock clock) {
    this.config = config;
    this.channelFactory = channelFactory;
    this.clock = clock;
    this.stats = new NotifierStats(config.name());
  }

  /** This notifier's counters; safe to read from any thread, before and after deployment. */
  public NotifierStats stats() {
    return stats;
  }

  @Override
  public Future<?> start() {
    try {
      DeliverySchedule.requireMaxBatch(config.maxBatch());
      DeliveryQueue queue = new DeliveryQueue(config.queueCapacity());
      Backoff backoff = new Backoff(config.backoff());
      channel = channelFactory.apply(vertx);
      List<String> targets = List.copyOf(channel.targets());
      if (targets.isEmpty()) {
        channel.close();
        throw new IllegalArgumentException("the channel has no target");
      }
      schedule =
          new DeliverySchedule(
              clock, config.maxBatch(), queue, backoff, targets, channel.minInterval());
    } catch (IllegalArgumentException e) {
      channel = null;
      return Future.failedFuture(
          new IllegalArgumentException(
              config.type() + " receiver '" + config.name() + "': " + e.getMessage(), e));
    }
    return vertx
        .eventBus()
        .<Notice>localConsumer(Addresses.notify(config.name()), message -> enqueue(message.body()))
        .completion();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (channel == null) {
      return Future.succeededFuture();
    }
    vertx.cancelTimer(timer);
    if (schedule.queued() > 0) {
      LOG.warn(
          "Receiver {}: stopping with {} alert transition(s) not delivered",
          config.name(),
          schedule.queued());
    }
    return channel.close();
  }

  private void enqueue(Notice notice) {
    if (stopped) {
      return;
    }
    DeliverySchedule.Arrival arrival = schedule.arrived(notice);
    for (Notice droppedNotice : arrival.dropped()) {
      Alert dropped = droppedNotice.alert();
      stats.recordDropped(1);
      LOG.warn(
          "Receiver {}: queue full ({} transitions), dropped the {} transition of {} started at {}",
          config.name(),
          config.queueCapacity(),
          dropped.status().wire(),
          dropped.key(),
          dropped.startsAt());
    }
    recordQueue();
    follow(arrival.next());
  }

  /** Sets the timer the schedule asks for, then starts the attempt it decided, if any. */
  private void follow(DeliverySchedule.Next next) {
    wakeAt(next.wakeAt());
    next.attempt().ifPresent(this::attempt);
  }

  /** Keeps one timer, set at {@code at}; none if empty. */
  private void wakeAt(Optional<Instant> at) {
    if (timer >= 0 && at.isPresent() && at.get().equals(timerAt)) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (at.isEmpty() || stopped) {
      return;
    }
    timerAt = at.get();
    // Rounded up, so that the schedule finds the time reached when the timer fires.
    long delayNanos = Duration.between(clock.instant(), timerAt).toNanos();
    long delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos) + 1);
    timer =
        vertx.setTimer(
            delayMillis,
            id -> {
              timer = -1;
              if (!stopped) {
                follow(schedule.woke());
              }
            });
  }

  private void attempt(DeliverySchedule.Attempt attempt) {
    stats.recordRequest();
    long started = System.nanoTime();
    Future<DeliveryOutcome> sent;
    try {
      sent = channel.send(attempt.target(), attempt.group(), attempt.alerts());
    } catch (RuntimeException e) {
      // A channel bug must not leave the notifier busy for ever: treat it as a failed attempt.
      sent = Future.failedFuture(e);
    }
    Future<DeliveryOutcome> outcome = sent;
    Runnable settle =
        () ->
            onOutcome(
                outcome.succeeded() ? outcome.result() : DeliveryOutcome.ofError(outcome.cause()),
                System.nanoTime() - started);
    if (outcome.isComplete()) {
      // Answered before the send returned (a channel with nothing to send, or a bug): settled
      // after the attempt that started this one has been booked, so that attempts are published
      // in the order they were made.
      context.runOnContext(v -> settle.run());
    } else {
      outcome.onComplete(result -> settle.run());
    }
  }

  private void onOutcome(DeliveryOutcome outcome, long tookNanos) {
    if (stopped) {
      return;
    }
    Instant ended = wallClock.instant();
    DeliverySchedule.Settlement settlement = schedule.attempted(outcome.verdict());
    // The next attempt starts before this one is booked: in a storm, the receiver reads the next
    // batch while the history's record and the ledger's acknowledgement of this one are made,
    // instead of waiting for them between two requests.
    follow(settlement.next());
    String target = settlement.ended().target();
    List<Alert> batch = settlement.ended().alerts();
    publishAttempt(settlement, outcome, ended, Duration.ofNanos(tookNanos));
    switch (settlement.settled()) {
      case DELIVERED -> {
        stats.recordDeliveryTime(tookNanos);
        delivered(target, batch);
      }
      case REJECTED -> rejected(target, batch, outcome);
      case NEXT_TARGET, BACKING_OFF -> failed(target, settlement, outcome);
    }
  }

  private void delivered(String target, List<Alert> batch) {
    String previousError = errors.recovered(target);
    if (previousError != null) {
      LOG.info(
          "Receiver {}: {} accepts alerts again (it had failed with: {})",
          config.name(),
          target,
          previousError);
    }
    stats.recordDelivered(batch.size());
    recordQueue();
    health(false, "");
    vertx.eventBus().send(Addresses.DELIVERED, new Delivered(config.name(), batch), LOCAL);
  }

  private void rejected(String target, List<Alert> batch, DeliveryOutcome outcome) {
    // The receiver answered, so it is up: a later failure of this target is news again.
    errors.recovered(target);
    stats.recordRejected(batch.size(), target + ": " + outcome.describe());
    recordQueue();
    health(true, target + ": " + outcome.describe());
    LOG.error(
        "Receiver {}: {} refused {} alert transition(s) with {}; not retried: {}",
        config.name(),
        target,
        batch.size(),
        outcome.describe(),
        keys(batch));
  }

  private void failed(
      String target, DeliverySchedule.Settlement settlement, DeliveryOutcome outcome) {
    stats.recordRetry(target + ": " + outcome.describe());
    boolean backingOff = settlement.settled() == DeliverySchedule.Settled.BACKING_OFF;
    if (errors.failed(target, outcome.describe())) {
      LOG.warn(
          "Receiver {}: {} failed: {}; {}",
          config.name(),
          target,
          outcome.describe(),
          backingOff ? "backing off" : "trying the next target");
    }
    if (backingOff) {
      health(true, target + ": " + outcome.describe());
      LOG.debug(
          "Receiver {}: every target failed, next round in {} ms",
          config.name(),
          Math.max(1, settlement.backoff().toMillis()));
    }
  }

  /** Tells {@link Addresses#RECEIVER_HEALTH} when the receiver starts or stops failing. */
  private void health(boolean nowFailing, String error) {
    if (nowFailing == failing) {
      return;
    }
    failing = nowFailing;
    vertx
        .eventBus()
        .publish(
            Addresses.RECEIVER_HEALTH,
            new ReceiverHealth(
                config.name(),
                nowFailing ? ReceiverHealth.State.FAILING : ReceiverHealth.State.ACCEPTING,
                error),
            LOCAL);
  }

  /** Makes one attempt public, for the notification history and any other subscriber. */
  private void publishAttempt(
      DeliverySchedule.Settlement settlement,
      DeliveryOutcome outcome,
      Instant ended,
      Duration took) {
    DeliveryAttempt.Outcome result =
        switch (settlement.settled()) {
          case DELIVERED ->
              outcome.protocol().isEmpty()
                  ? DeliveryAttempt.Outcome.SKIPPED
                  : DeliveryAttempt.Outcome.DELIVERED;
          case REJECTED -> DeliveryAttempt.Outcome.REJECTED;
          case NEXT_TARGET, BACKING_OFF -> DeliveryAttempt.Outcome.FAILED;
        };
    DeliveryAttempt attempt =
        new DeliveryAttempt(
            UUID.randomUUID().toString(),
            config.name(),
            settlement.ended().target(),
            ended,
            Math.max(0, took.toMillis()),
            result,
            outcome.status(),
            outcome.delivered() ? "" : Redaction.urls(outcome.describe()),
            settlement.ended().alerts().stream().map(DeliveryAttempt.AlertRef::of).toList());
    vertx.eventBus().publish(Addresses.DELIVERIES, attempt.toJson());
  }

  private void recordQueue() {
    stats.recordQueue(schedule.queued(), schedule.collapsed());
  }

  private static String keys(List<Alert> alerts) {
    return alerts.stream()
        .map(alert -> alert.key() + "@" + alert.startsAt())
        .collect(Collectors.joining(", "));
  }
}
