package io.flumesentinel.notify;

import io.flumesentinel.config.ReceiverConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.Notice;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * </ul>
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
  private final NotifierStats stats;
  private final ErrorChanges errors = new ErrorChanges();
  private DeliveryQueue queue;
  private Backoff backoff;
  private Channel channel;
  private List<String> targets;

  /** A send is in flight or a back-off timer is pending: new alerts wait for it. */
  private boolean busy;

  private boolean stopped;
  private List<Alert> batch = List.of();
  private AlertGroup batchGroup;

  /** Group key → the keys of its alerts firing, as the notices so far tell; for groupWait. */
  private final Map<String, Set<String>> firingByGroup = new HashMap<>();

  /** Group key → the timer holding a new group for its groupWait. */
  private final Map<String, Long> held = new HashMap<>();

  private int targetIndex;

  /** The back-off or pacing timer pending, or -1. */
  private long timer = -1;

  private long minIntervalNanos;

  /** When the last round started ({@link System#nanoTime()}), if one did. */
  private long lastRoundNanos;

  private boolean roundStarted;

  /**
   * @param channelFactory opens the channel at deployment; an {@link IllegalArgumentException} it
   *     throws fails the deployment with a message naming the receiver
   */
  public NotifierVerticle(ReceiverConfig config, Function<Vertx, Channel> channelFactory) {
    this.config = config;
    this.channelFactory = channelFactory;
    this.stats = new NotifierStats(config.name());
  }

  /** This notifier's counters; safe to read from any thread, before and after deployment. */
  public NotifierStats stats() {
    return stats;
  }

  @Override
  public Future<?> start() {
    try {
      if (config.maxBatch() < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1, was " + config.maxBatch());
      }
      queue = new DeliveryQueue(config.queueCapacity());
      backoff = new Backoff(config.backoff());
      channel = channelFactory.apply(vertx);
      targets = List.copyOf(channel.targets());
      minIntervalNanos = channel.minInterval().toNanos();
      if (targets.isEmpty()) {
        channel.close();
        throw new IllegalArgumentException("the channel has no target");
      }
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
    held.values().forEach(vertx::cancelTimer);
    if (queue.size() > 0) {
      LOG.warn(
          "Receiver {}: stopping with {} alert transition(s) not delivered",
          config.name(),
          queue.size());
    }
    return channel.close();
  }

  private void enqueue(Notice notice) {
    holdIfNew(notice);
    for (Notice droppedNotice : queue.offer(notice)) {
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
    stats.recordQueue(queue);
    if (!busy) {
      sendNextBatch();
    }
  }

  /**
   * Holds a new group with a {@code groupWait} for that long, and keeps count of each group's
   * firing alerts, which is what makes a group new.
   */
  private void holdIfNew(Notice notice) {
    AlertGroup group = notice.group();
    Alert alert = notice.alert();
    Set<String> firing = firingByGroup.get(group.key());
    if (alert.firing()) {
      if (firing == null) {
        hold(group.key(), group.groupWait());
      }
      firingByGroup.computeIfAbsent(group.key(), key -> new HashSet<>()).add(alert.key());
    } else if (firing != null) {
      firing.remove(alert.key());
      if (firing.isEmpty()) {
        firingByGroup.remove(group.key());
      }
    }
  }

  /**
   * Keeps the alerts of group {@code key} waiting for {@code duration} (nothing if zero or if it is
   * held already); other groups go meanwhile.
   */
  private void hold(String key, Duration duration) {
    if (duration.isZero() || held.containsKey(key) || stopped) {
      return;
    }
    held.put(
        key,
        vertx.setTimer(
            Math.max(1, duration.toMillis()),
            id -> {
              held.remove(key);
              if (!busy) {
                sendNextBatch();
              }
            }));
  }

  private void sendNextBatch() {
    if (stopped || !queue.hasReady(held.keySet())) {
      busy = false;
      return;
    }
    busy = true;
    long now = System.nanoTime();
    long waitNanos = roundStarted ? lastRoundNanos + minIntervalNanos - now : 0;
    if (waitNanos > 0) {
      long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1);
      timer = vertx.setTimer(waitMillis, id -> startRound());
      return;
    }
    startRound();
  }

  private void startRound() {
    timer = -1;
    if (stopped || !queue.hasReady(held.keySet())) {
      busy = false;
      return;
    }
    roundStarted = true;
    lastRoundNanos = System.nanoTime();
    List<Notice> notices = queue.takeBatch(config.maxBatch(), held.keySet());
    batchGroup = notices.get(0).group();
    // What this group gets meanwhile goes together, groupInterval after this send started.
    hold(batchGroup.key(), batchGroup.groupInterval());
    batch = notices.stream().map(Notice::alert).toList();
    targetIndex = 0;
    attempt();
  }

  private void attempt() {
    String target = targets.get(targetIndex);
    stats.recordRequest();
    Future<DeliveryOutcome> sent;
    try {
      sent = channel.send(target, batchGroup, batch);
    } catch (RuntimeException e) {
      // A channel bug must not leave the notifier busy for ever: treat it as a failed attempt.
      sent = Future.failedFuture(e);
    }
    sent.onComplete(
        result ->
            onOutcome(
                target,
                result.succeeded() ? result.result() : DeliveryOutcome.ofError(result.cause())));
  }

  private void onOutcome(String target, DeliveryOutcome outcome) {
    if (stopped) {
      return;
    }
    switch (outcome.verdict()) {
      case DELIVERED -> delivered(target);
      case PERMANENT -> rejected(target, outcome);
      case RETRYABLE -> failed(target, outcome);
    }
  }

  private void delivered(String target) {
    String previousError = errors.recovered(target);
    if (previousError != null) {
      LOG.info(
          "Receiver {}: {} accepts alerts again (it had failed with: {})",
          config.name(),
          target,
          previousError);
    }
    queue.ack();
    stats.recordDelivered(batch.size());
    stats.recordQueue(queue);
    backoff.reset();
    vertx.eventBus().send(Addresses.DELIVERED, new Delivered(config.name(), batch), LOCAL);
    sendNextBatch();
  }

  private void rejected(String target, DeliveryOutcome outcome) {
    // The receiver answered, so it is up: a later failure of this target is news again, and the
    // back-off restarts.
    errors.recovered(target);
    backoff.reset();
    queue.ack();
    stats.recordRejected(batch.size(), target + ": " + outcome.describe());
    stats.recordQueue(queue);
    LOG.error(
        "Receiver {}: {} refused {} alert transition(s) with {}; not retried: {}",
        config.name(),
        target,
        batch.size(),
        outcome.describe(),
        keys(batch));
    sendNextBatch();
  }

  private void failed(String target, DeliveryOutcome outcome) {
    stats.recordRetry(target + ": " + outcome.describe());
    boolean lastTarget = targetIndex == targets.size() - 1;
    if (errors.failed(target, outcome.describe())) {
      LOG.warn(
          "Receiver {}: {} failed: {}; {}",
          config.name(),
          target,
          outcome.describe(),
          lastTarget ? "backing off" : "trying the next target");
    }
    if (!lastTarget) {
      targetIndex++;
      attempt();
      return;
    }
    // Back to the queue, so that the next round also takes what arrived meanwhile, and a full queue
    // can collapse a transition of this batch into a newer one.
    queue.nack();
    batch = List.of();
    long delayMillis = Math.max(1, backoff.nextDelay().toMillis());
    LOG.debug("Receiver {}: every target failed, next round in {} ms", config.name(), delayMillis);
    timer =
        vertx.setTimer(
            delayMillis,
            id -> {
              timer = -1;
              sendNextBatch();
            });
  }

  private static String keys(List<Alert> alerts) {
    return alerts.stream()
        .map(alert -> alert.key() + "@" + alert.startsAt())
        .collect(Collectors.joining(", "));
  }
}
