package io.flumesentinel.alert;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.zk.ZkBatchWriter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory of what is firing and what each receiver was sent, kept in ZooKeeper under {@code
 * <root>/alerts}, so a restarted monitor neither repeats a notification nor misses one.
 *
 * <p>It is the one place that decides who is notified: a firing alert goes to every receiver its
 * {@link Router route} names that has not acknowledged it for this incident; a resolved one only to
 * receivers that may have its firing notice, whatever the route says now (so a receiver is never
 * left with an incident that does not end). Routes are computed, not recorded: the ledger in
 * ZooKeeper holds only what each receiver acknowledged. Every accepted transition is also published
 * as JSON on {@link Addresses#ALERTS}. Delivery is at-least-once: a receiver's acknowledgement is
 * recorded after its 2xx, so a monitor killed in between sends that notice again (same fingerprint
 * and {@code startsAt}) after its restart.
 *
 * <p>A firing alert that an active silence mutes is recorded and published (with the ids of those
 * silences in {@code silencedBy}) but sent to nobody; when the silences change, or one ends, what
 * they no longer mute goes to its receivers then. A resolved notice is never muted: it goes to
 * whoever was told the incident started, so an incident wholly inside a silence is never sent.
 *
 * <p>Repeats: a receiver that acknowledged a firing alert gets it again once its route's {@code
 * repeatInterval} has passed since that acknowledgement, for as long as it fires and the routes
 * still name the receiver. A repeat is the same incident (same {@code startsAt} and fingerprint):
 * it is not published as a transition and changes nothing but the time of the acknowledgement. The
 * times are kept in the entry ({@code notifiedAt}), so a restart does not reset them; {@link
 * Reminders} decides which are due and keeps one timer, for the earliest.
 *
 * <p>Every notice leaves through {@link #dispatch}; the routing itself ({@link Router#dispatches})
 * is pure and usable by other senders.
 *
 * <p>In a cluster the ledger of the active monitor is {@link ZkBatchWriter.Fence fenced} by its
 * term: once a newer term has begun, its writes are refused and it sends and publishes nothing
 * more.
 */
public final class AlertLedgerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(AlertLedgerVerticle.class);

  /**
   * The longest the repeat timer runs before the ledger looks again: the timer counts monotonic
   * time, the repeat times are the wall clock's (they survive restarts), and a clock that was set
   * or a host that slept must not delay a repeat by hours.
   */
  public static final Duration REPEAT_RECHECK = Duration.ofMinutes(1);

  /**
   * At most one ledger transaction per this interval: a storm's thousands of updates become a few
   * writes, at the cost of this much more time in which a monitor killed mid-storm resends a
   * notice.
   */
  private static final java.time.Duration WRITE_INTERVAL = java.time.Duration.ofMillis(100);

  private final AsyncCuratorFramework zk;
  private final ZkLayout layout;
  private final List<String> receivers;
  private final Router router;
  private final Readiness readiness;
  private final SilenceIndex silences;
  private final Clock clock;
  private final Duration recheckAtMost;
  private final Map<String, LedgerEntry> entries = new HashMap<>();
  private final ZkBatchWriter.Fence fence;
  private ZkBatchWriter writer;

  private Reminders reminders;

  /**
   * A ledger on the system clock that sends each firing alert to the receivers {@code router} names
   * for it.
   */
  public AlertLedgerVerticle(
      AsyncCuratorFramework zk,
      ZkLayout layout,
      List<String> receivers,
      Router router,
      Readiness readiness,
      SilenceIndex silences) {
    this(
        zk,
        layout,
        receivers,
        router,
        readiness,
        silences,
        Clock.systemUTC(),
        REPEAT_RECHECK,
        null);
  }

  /**
   * A ledger that sends each firing alert to the receivers {@code router} names for it.
   *
   * @param receivers every receiver, including those no route names now: one may still be owed the
   *     resolved notice of an incident it was told about before a change of routes
   * @param silences what is muted now, kept current by a {@code SilenceVerticle}
   * @param clock the time of acknowledgements and repeats
   * @param recheckAtMost the longest the ledger waits between two looks for repeats that are due,
   *     while any repeat is pending ({@link #REPEAT_RECHECK} in production)
   * @param fence writes (and so sends and publications) only while it holds; {@code null}: always
   */
  public AlertLedgerVerticle(
      AsyncCuratorFramework zk,
      ZkLayout layout,
      List<String> receivers,
      Router router,
      Readiness readiness,
      SilenceIndex silences,
      Clock clock,
      Duration recheckAtMost,
      ZkBatchWriter.Fence fence) {
    this.zk = zk;
    this.layout = layout;
    this.receivers = List.copyOf(receivers);
    this.router = router;
    this.readiness = readiness;
    this.silences = silences;
    this.clock = clock;
    this.recheckAtMost = recheckAtMost;
    this.fence = fence;
  }

  @Override
  public Future<?> start() {
    reminders = new Reminders(vertx, clock, recheckAtMost, this::remind);
    return load()
        .compose(
            stored -> {
              writer = new ZkBatchWriter(zk, context, stored, WRITE_INTERVAL, fence);
              readiness.ledgerLoaded();
              log.info("Alert ledger: {} alerts on record", entries.size());
              var transitions =
                  vertx
                      .eventBus()
                      .localConsumer(
                          Addresses.TRANSITIONS,
                          m -> {
                            if (m.body() instanceof Alert alert) {
                              transition(alert);
                            } else if (m.body() instanceof Reconciliation reconciliation) {
                              reconcile(reconciliation);
                            }
                          });
              var delivered =
                  vertx
                      .eventBus()
                      .<Delivered>localConsumer(Addresses.DELIVERED, m -> delivered(m.body()));
              var connection =
                  vertx
                      .eventBus()
                      .<ConnectionChange>localConsumer(
                          Addresses.ZK_CONNECTION,
                          m -> {
                            if (m.body().state().usable()) {
                              writer.retryFailed();
                            }
                          });
              var silenceChanges =
                  vertx.eventBus().localConsumer(Addresses.SILENCES, m -> silencesChanged());
              return Future.all(
                  transitions.completion(),
                  delivered.completion(),
                  connection.completion(),
                  silenceChanges.completion());
            });
  }

  @Override
  public Future<?> stop() {
    reminders.cancel();
    return Future.succeededFuture();
  }

  /** Reads every alert on record; completes with the paths that exist. */
  private Future<Set<String>> load() {
    Set<String> stored = new HashSet<>();
    return Future.fromCompletionStage(
            zk.create()
                .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded))
                .forPath(layout.alerts()),
            context)
        .recover(
            error ->
                ZkErrors.is(error, KeeperException.Code.NODEEXISTS)
                    ? Future.succeededFuture()
                    : Future.failedFuture(error))
        .compose(
            created ->
                Future.fromCompletionStage(zk.getChildren().forPath(layout.alerts()), context))
        .compose(
            children -> {
              List<Future<Void>> reads = new ArrayList<>();
              for (String child : children) {
                String path = layout.alert(child);
                stored.add(path);
                reads.add(
                    Future.fromCompletionStage(zk.getData().forPath(path), context)
                        .map(
                            data -> {
                              try {
                                LedgerEntry entry = LedgerEntry.parse(data);
                                // Written before repeats were recorded: the interval starts now.
                                entry.sent.keySet().stream()
                                    .filter(entry::sentFiring)
                                    .forEach(r -> entry.notifiedAt.putIfAbsent(r, clock.instant()));
                                entries.put(entry.alert.key(), entry);
                              } catch (RuntimeException e) {
                                log.warn(
                                    "Ignoring unreadable alert record {}: {}", path, e.toString());
                              }
                              return (Void) null;
                            })
                        .recover(
                            error -> {
                              if (!ZkErrors.is(error, KeeperException.Code.NONODE)) {
                                return Future.failedFuture(error);
                              }
                              stored.remove(path);
                              return Future.succeededFuture();
                            }));
              }
              return Future.all(reads).map(done -> stored);
            });
  }

  private void reconcile(Reconciliation reconciliation) {
    Set<String> firingKeys = new HashSet<>();
    for (Alert alert : reconciliation.firing()) {
      firingKeys.add(alert.key());
      transition(alert);
    }
    for (LedgerEntry entry : new ArrayList<>(entries.values())) {
      if (firingKeys.contains(entry.alert.key())) {
        continue;
      }
      if (entry.alert.firing()) {
        String how =
            reconciliation.running().contains(entry.alert.agent()) ? "RECOVERED" : "STOPPED";
        resolve(entry, entry.alert.resolve(java.time.Instant.now(), Map.of("resolution", how)));
      } else {
        resolve(entry, entry.alert);
      }
    }
    readiness.reconciled();
    remind();
  }

  private void transition(Alert alert) {
    LedgerEntry entry = entries.get(alert.key());
    if (!alert.firing()) {
      if (entry != null && entry.alert.firing()) {
        resolve(entry, alert.withStartsAt(entry.alert.startsAt()));
      }
      return;
    }
    if (entry != null && entry.alert.firing()) {
      Alert continued = alert.withStartsAt(entry.alert.startsAt());
      if (continued.equals(entry.alert)) {
        // Same incident, nothing new (a restart's reconciliation, a change of silences): only
        // receivers never handed it get it, unless it is muted.
        entry.silencedBy = silences.silencedBy(continued.labels());
        if (!entry.silencedBy.isEmpty()) {
          return;
        }
        for (Dispatch dispatch : router.dispatches(continued)) {
          if (!entry.sentFiring(dispatch.receiver())
              && !entry.dispatched.contains(dispatch.receiver())) {
            dispatch(entry, dispatch);
          }
        }
        return;
      }
      entry.alert = continued;
    } else {
      entry = new LedgerEntry(alert);
      entries.put(alert.key(), entry);
    }
    entry.silencedBy = silences.silencedBy(entry.alert.labels());
    if (entry.silencedBy.isEmpty()) {
      for (Dispatch dispatch : router.dispatches(entry.alert)) {
        dispatch(entry, dispatch);
      }
    }
    publish(entry.alert, entry.silencedBy);
    persist(entry);
  }

  /**
   * The silences changed, or one started or ended: each firing alert they no longer mute goes to
   * the receivers never handed it; one whose silences changed is published again.
   */
  private void silencesChanged() {
    for (LedgerEntry entry : new ArrayList<>(entries.values())) {
      if (entry.alert.firing()) {
        List<String> before = entry.silencedBy;
        transition(entry.alert);
        if (!entry.silencedBy.equals(before)) {
          publish(entry.alert, entry.silencedBy);
        }
      }
    }
    // Reminders held back while muted may be due now.
    remind();
  }

  /**
   * Ends an incident: the resolved notice goes to each receiver that may have its firing notice and
   * has not acknowledged the resolved one. An incident nobody was told about is simply forgotten.
   */
  private void resolve(LedgerEntry entry, Alert resolved) {
    boolean wasFiring = entry.alert.firing();
    List<String> owed =
        receivers.stream()
            .filter(entry::owesResolved)
            .filter(r -> !LedgerEntry.RESOLVED.equals(entry.sent.get(r)))
            .toList();
    entry.alert = resolved;
    entry.dispatched.clear();
    if (wasFiring) {
      publish(resolved, silences.silencedBy(resolved.labels()));
    }
    if (owed.isEmpty()) {
      forget(entry);
      return;
    }
    owed.forEach(receiver -> dispatch(entry, router.dispatch(resolved, receiver)));
    persist(entry);
  }

  private void delivered(Delivered delivered) {
    for (Alert alert : delivered.alerts()) {
      LedgerEntry entry = entries.get(alert.key());
      if (entry == null || !entry.alert.startsAt().equals(alert.startsAt())) {
        continue; // an older incident, already superseded
      }
      entry.sent.put(delivered.receiver(), alert.status().wire());
      if (alert.status() == entry.alert.status()) {
        entry.dispatched.remove(delivered.receiver());
      }
      if (alert.firing() && entry.alert.firing()) {
        Instant now = clock.instant();
        entry.notifiedAt.put(delivered.receiver(), now);
        Duration interval = router.dispatch(entry.alert, delivered.receiver()).repeatInterval();
        reminders.checkBy(now.plus(interval));
      }
      if (!entry.alert.firing()
          && entry.dispatched.isEmpty()
          && receivers.stream().noneMatch(entry::sentFiring)) {
        forget(entry);
      } else {
        persist(entry);
      }
    }
  }

  /** The one way a notice leaves the ledger: to one receiver's notifier, recorded as handed. */
  private void dispatch(LedgerEntry entry, Dispatch dispatch) {
    if (writer.fencedOff()) {
      return; // a newer term notifies now
    }
    entry.dispatched.add(dispatch.receiver());
    dispatch.send(vertx.eventBus());
  }

  /** Sends the reminders that are due, and sets the timer for the next. */
  private void remind() {
    Reminders.Due due = Reminders.due(entries.values(), router, clock.instant());
    Map<String, Integer> counts = new TreeMap<>();
    for (Reminders.Reminder reminder : due.now()) {
      dispatch(reminder.entry(), reminder.dispatch());
      counts.merge(reminder.dispatch().receiver(), 1, Integer::sum);
    }
    if (!counts.isEmpty()) {
      log.info("Reminding of still-firing alerts (receiver=count): {}", counts);
    }
    if (due.next() != null) {
      reminders.checkBy(due.next());
    }
  }

  /**
   * Every accepted transition: on the public address, and in the log (a receiver of last resort),
   * with the silences that mute it.
   */
  private void publish(Alert alert, List<String> silencedBy) {
    if (writer.fencedOff()) {
      return;
    }
    AlertPublication.publish(vertx.eventBus(), alert, silencedBy);
  }

  private void persist(LedgerEntry entry) {
    writer.put(layout.alert(entry.alert.key()), entry::toBytes);
  }

  private void forget(LedgerEntry entry) {
    entries.remove(entry.alert.key(), entry);
    writer.delete(layout.alert(entry.alert.key()));
  }
}
