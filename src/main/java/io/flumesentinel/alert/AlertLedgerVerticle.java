package io.flumesentinel.alert;

import io.flumesentinel.Readiness;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.zk.ZkBatchWriter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
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
 * <p>In a cluster the ledger of the active monitor is {@link ZkBatchWriter.Fence fenced} by its
 * term: once a newer term has begun, its writes are refused and it sends and publishes nothing
 * more.
 */
public final class AlertLedgerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(AlertLedgerVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

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
  private final Map<String, LedgerEntry> entries = new HashMap<>();
  private final ZkBatchWriter.Fence fence;
  private ZkBatchWriter writer;

  /** A ledger that sends every firing alert to every one of {@code receivers}. */
  /**
   * A ledger that sends each firing alert to the receivers {@code router} names for it.
   *
   * @param receivers every receiver, including those no route names now: one may still be owed the
   *     resolved notice of an incident it was told about before a change of routes
   */
  public AlertLedgerVerticle(
      AsyncCuratorFramework zk,
      ZkLayout layout,
      List<String> receivers,
      Router router,
      Readiness readiness) {
    this(zk, layout, receivers, router, readiness, null);
  }

  /** As above, writing only while {@code fence} holds ({@code null}: always). */
  public AlertLedgerVerticle(
      AsyncCuratorFramework zk,
      ZkLayout layout,
      List<String> receivers,
      Router router,
      Readiness readiness,
      ZkBatchWriter.Fence fence) {
    this.zk = zk;
    this.layout = layout;
    this.receivers = List.copyOf(receivers);
    this.router = router;
    this.readiness = readiness;
    this.fence = fence;
  }

  @Override
  public Future<?> start() {
    return load()
        .compose(
            stored -> {
              writer = new ZkBatchWriter(zk, context, stored, WRITE_INTERVAL, fence);
              readiness.ledgerLoaded();
              log.info("Alert ledger: {} alerts on record", entries.size());
              var transitions =
                  vertx
                      .eventBus()
                      .consumer(
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
                      .<Delivered>consumer(Addresses.DELIVERED, m -> delivered(m.body()));
              var connection =
                  vertx
                      .eventBus()
                      .<ConnectionChange>consumer(
                          Addresses.ZK_CONNECTION,
                          m -> {
                            if (m.body().state().usable()) {
                              writer.retryFailed();
                            }
                          });
              return Future.all(
                  transitions.completion(), delivered.completion(), connection.completion());
            });
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
                isCode(error, KeeperException.Code.NODEEXISTS)
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
                                entries.put(entry.alert.key(), entry);
                              } catch (RuntimeException e) {
                                log.warn(
                                    "Ignoring unreadable alert record {}: {}", path, e.toString());
                              }
                              return (Void) null;
                            })
                        .recover(
                            error -> {
                              if (!isCode(error, KeeperException.Code.NONODE)) {
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
        // Same incident, nothing new (a restart's reconciliation): only receivers never handed it
        // get it.
        for (String receiver : router.receivers(continued.labels())) {
          if (!entry.sentFiring(receiver) && !entry.dispatched.contains(receiver)) {
            dispatch(entry, receiver);
          }
        }
        return;
      }
      entry.alert = continued;
    } else {
      entry = new LedgerEntry(alert);
      entries.put(alert.key(), entry);
    }
    for (String receiver : router.receivers(entry.alert.labels())) {
      dispatch(entry, receiver);
    }
    publish(entry.alert);
    persist(entry);
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
      publish(resolved);
    }
    if (owed.isEmpty()) {
      forget(entry);
      return;
    }
    owed.forEach(receiver -> dispatch(entry, receiver));
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
      if (!entry.alert.firing()
          && entry.dispatched.isEmpty()
          && receivers.stream().noneMatch(entry::sentFiring)) {
        forget(entry);
      } else {
        persist(entry);
      }
    }
  }

  private void dispatch(LedgerEntry entry, String receiver) {
    if (writer.fencedOff()) {
      return; // a newer term notifies now
    }
    entry.dispatched.add(receiver);
    vertx.eventBus().send(Addresses.notify(receiver), entry.alert, LOCAL);
  }

  /**
   * Every accepted transition: on the public address, and in the log (a receiver of last resort).
   */
  private void publish(Alert alert) {
    if (writer.fencedOff()) {
      return;
    }
    log.info(
        "Alert {}: {} agent={} reason={}: {}",
        alert.status().wire(),
        alert.alertname(),
        alert.agent(),
        alert.annotation("reason"),
        alert.firing()
            ? alert.annotation("summary")
            : "resolved (" + alert.annotation("resolution") + ")");
    vertx.eventBus().publish(Addresses.ALERTS, alert.toJson());
  }

  private void persist(LedgerEntry entry) {
    writer.put(layout.alert(entry.alert.key()), entry::toBytes);
  }

  private void forget(LedgerEntry entry) {
    entries.remove(entry.alert.key(), entry);
    writer.delete(layout.alert(entry.alert.key()));
  }

  private static boolean isCode(Throwable error, KeeperException.Code code) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof KeeperException keeper && keeper.code() == code;
  }
}
