package io.flumesentinel.alert;

import io.flumesentinel.ack.AckIndex;
import io.flumesentinel.ack.AckStore;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.OwnThread;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.zk.ZkBatchWriter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.x.async.AsyncCuratorFramework;
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
 * times are kept in the entry ({@code notifiedAt}), so a restart does not reset them.
 *
 * <p>The decisions are the pure {@link Ledger}'s; this verticle only loads the stored records,
 * feeds it what arrives on the event bus, and carries out what it answers: notices to the
 * receivers' notifiers ({@link Dispatch#send}), publications, writes through one {@link
 * ZkBatchWriter}, and one timer for reminders. The writer follows the connection of the ledger's
 * own ZooKeeper client (which may be another session, on another server, than the one that watches
 * the agents): what could not be written while that session was away is written once it is back.
 *
 * <p>In a cluster the ledger of the active monitor is {@link ZkBatchWriter.Fence fenced} by its
 * term: once a newer term has begun, its writes are refused and it sends and publishes nothing
 * more. While the term's fence is {@link ZkBatchWriter.Fence#hold() held} (its session is in doubt)
 * the ledger goes on deciding and writing, but keeps its notices and publications, in order, until
 * the fence is released (then they go out) or revoked (then they are dropped: the next term derives
 * them again from what is on record).
 */
public final class AlertLedgerVerticle extends VerticleBase implements OwnThread {

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
  private static final Duration WRITE_INTERVAL = Duration.ofMillis(100);

  private final AsyncCuratorFramework zk;
  private final ZkLayout layout;
  private final Readiness readiness;
  private final Clock clock;
  private final Duration recheckAtMost;
  private final ZkBatchWriter.Fence fence;
  private final Ledger ledger;
  private final FiringAlerts firing = new FiringAlerts();
  private final AckStore ackStore;
  private volatile ZkBatchWriter writer;
  private ReminderTimer reminders;

  /**
   * Decisions whose notices and publications wait while the term's fence is held, oldest first;
   * dropped once the term is over (the next term derives them again from the ledger).
   */
  private final ArrayDeque<LedgerEffects> heldBack = new ArrayDeque<>();

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
    this(
        zk,
        layout,
        receivers,
        router,
        readiness,
        silences,
        new AckIndex(),
        clock,
        recheckAtMost,
        fence);
  }

  /**
   * A ledger that also holds the reminders of the alerts someone acknowledged, and removes each
   * acknowledgement when its alert resolves.
   *
   * @param acks the acknowledgements, kept current by an {@code AckVerticle}
   */
  public AlertLedgerVerticle(
      AsyncCuratorFramework zk,
      ZkLayout layout,
      List<String> receivers,
      Router router,
      Readiness readiness,
      SilenceIndex silences,
      AckIndex acks,
      Clock clock,
      Duration recheckAtMost,
      ZkBatchWriter.Fence fence) {
    this.zk = zk;
    this.layout = layout;
    this.readiness = readiness;
    this.clock = clock;
    this.recheckAtMost = recheckAtMost;
    this.fence = fence;
    this.ackStore = new AckStore(zk, layout);
    this.ledger =
        new Ledger(
            receivers,
            router,
            silences::silencedBy,
            new Ledger.Acknowledgements() {
              @Override
              public boolean acknowledged(Alert firing) {
                return acks.of(firing).isPresent();
              }

              @Override
              public Map<String, Instant> known() {
                Map<String, Instant> known = new HashMap<>();
                acks.current().all().forEach(ack -> known.put(ack.fingerprint(), ack.startsAt()));
                return known;
              }
            },
            clock);
  }

  /**
   * Its own thread: recording a storm never holds up an event loop's I/O, nor the notifiers after
   * it.
   */
  @Override
  public String threadName() {
    return "flume-sentinel-ledger";
  }

  @Override
  public Future<?> start() {
    reminders = new ReminderTimer(vertx, clock, recheckAtMost, () -> carryOut(ledger.remind()));
    if (fence != null) {
      fence.whenReleased(() -> context.runOnContext(v -> releaseHeldBack()));
    }
    return StoredLedger.read(zk, layout, context)
        .compose(
            stored -> {
              ledger.load(stored.records());
              firing.load(stored.records());
              writer = new ZkBatchWriter(zk, context, stored.paths(), WRITE_INTERVAL, fence);
              readiness.ledgerLoaded();
              log.info("Alert ledger: {} alerts on record", ledger.size());
              var transitions =
                  vertx
                      .eventBus()
                      .localConsumer(
                          Addresses.TRANSITIONS,
                          m -> {
                            if (m.body() instanceof Alert alert) {
                              carryOut(ledger.transition(alert));
                            } else if (m.body() instanceof Reconciliation reconciliation) {
                              carryOut(ledger.reconcile(reconciliation));
                              readiness.reconciled();
                            }
                          });
              var delivered =
                  vertx
                      .eventBus()
                      .<Delivered>localConsumer(
                          Addresses.DELIVERED, m -> carryOut(ledger.delivered(m.body())));
              var silenceChanges =
                  vertx
                      .eventBus()
                      .localConsumer(Addresses.SILENCES, m -> carryOut(ledger.silencesChanged()));
              var ackChanges =
                  vertx
                      .eventBus()
                      .localConsumer(
                          Addresses.ACKS, m -> carryOut(ledger.acknowledgementsChanged()));
              return Future.all(
                  List.of(
                      transitions.completion(),
                      delivered.completion(),
                      silenceChanges.completion(),
                      ackChanges.completion()));
            });
  }

  @Override
  public Future<?> stop() {
    reminders.cancel();
    if (writer != null) {
      writer.close();
    }
    return Future.succeededFuture();
  }

  /**
   * How many record values were never written because one alone was larger than a ZooKeeper request
   * may carry (each logged once); 0 before the ledger is loaded.
   */
  public long oversizeRecordsDropped() {
    ZkBatchWriter current = writer;
    return current == null ? 0 : current.oversizeDropped();
  }

  /** The alerts of this ledger that fire, by name; safe to read from any thread. */
  public FiringAlerts firing() {
    return firing;
  }

  /**
   * Carries out what the ledger decided: notices to their receivers' notifiers and transitions to
   * the public address (both only while this ledger's term lasts, and kept in order while its
   * session is in doubt), record changes to the writer, and the reminder timer.
   */
  private void carryOut(LedgerEffects effects) {
    if (writer.fencedOff()) { // a newer term notifies now
      heldBack.clear();
    } else if (fence != null && (fence.held() || !heldBack.isEmpty())) {
      if (heldBack.isEmpty()) {
        log.warn("The ledger's ZooKeeper session is in doubt: holding notifications");
      }
      heldBack.add(effects);
    } else {
      send(effects);
    }
    for (LedgerEffects.RecordChange change : effects.records()) {
      firing.changed(change);
      String path = layout.alert(change.key());
      if (change instanceof LedgerEffects.RecordChange.Write write) {
        writer.put(path, write.record()::toBytes);
      } else {
        writer.delete(path);
      }
    }
    effects.remindBy().ifPresent(reminders::checkBy);
  }

  /** The hold ended: what was kept goes out in order, unless the term ended meanwhile. */
  private void releaseHeldBack() {
    if (writer == null || fence.held() || heldBack.isEmpty()) {
      return;
    }
    if (writer.fencedOff()) {
      log.warn("The ledger's session was lost: dropping {} held decisions", heldBack.size());
      heldBack.clear();
      return;
    }
    log.info("The ledger's ZooKeeper session is back: sending {} held decisions", heldBack.size());
    while (!heldBack.isEmpty()) {
      send(heldBack.poll());
    }
  }

  private void send(LedgerEffects effects) {
    effects.notices().forEach(dispatch -> dispatch.send(vertx.eventBus()));
    effects
        .publications()
        .forEach(p -> AlertPublication.publish(vertx.eventBus(), p.alert(), p.silencedBy()));
    effects.ackRemovals().forEach(this::removeAck);
  }

  /** Best effort: one left behind holds for nothing, and goes at the next change of the acks. */
  private void removeAck(LedgerEffects.AckRemoval removal) {
    ackStore
        .removeOf(removal.fingerprint(), removal.startsAt())
        .whenComplete(
            (removed, error) -> {
              if (error != null) {
                log.warn(
                    "Could not remove the acknowledgement of alert {}: {}",
                    removal.fingerprint(),
                    error.toString());
              } else if (removed) {
                log.info(
                    "Removed the acknowledgement of alert {}: its incident of {} is over",
                    removal.fingerprint(),
                    removal.startsAt());
              }
            });
  }
}
