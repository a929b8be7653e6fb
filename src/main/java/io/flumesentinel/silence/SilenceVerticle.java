package io.flumesentinel.silence;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.zk.WatchedReload;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link SilenceIndex} equal to {@code <root>/silences} in ZooKeeper, and tells the alert
 * ledger (a message without body on {@link Addresses#SILENCES}) whenever what the silences mute may
 * have changed: a silence was added, expired or removed, or one started or ended as time went by.
 * {@link #start()} completes once the silences are loaded, so the ledger, deployed after it, never
 * sends what a silence mutes.
 *
 * <p>A persistent recursive watch on the silences' parent ({@link WatchedReload}) sees every
 * creation, change and removal; each of them, and each (re)setting of the watch after a
 * reconnection, reads all silences again (they are few). While ZooKeeper cannot be read the last
 * silences known stay in force: a lost connection never unmutes anything. Silences that ended more
 * than the retention ago are removed (a versioned delete, so several monitors can do it at once).
 * Everything runs on this verticle's context; Curator's callbacks hop onto it.
 */
public final class SilenceVerticle extends VerticleBase {

  /** How long an expired silence is kept, for the record, before it is removed: Alertmanager's. */
  public static final Duration RETENTION = Duration.ofDays(5);

  /** The longest the verticle waits before looking at the clock again (it may have been set). */
  private static final long MAX_WAIT_MS = Duration.ofHours(1).toMillis();

  private static final Logger log = LoggerFactory.getLogger(SilenceVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final SilenceIndex index;
  private final Duration retention;
  private final Map<String, Integer> versions = new HashMap<>();
  private final Set<String> removing = new HashSet<>();
  private Map<String, Silence.State> states = Map.of();
  private Set<String> unreadable = Set.of();
  private final RefusalLog refusals = new RefusalLog(log);

  private SilenceStore store;
  private WatchedReload watch;
  private long timer = -1;

  /**
   * @param retention how long an expired silence is kept before the monitor removes it
   */
  public SilenceVerticle(
      CuratorFramework client, ZkLayout layout, SilenceIndex index, Duration retention) {
    this.client = client;
    this.layout = layout;
    this.index = index;
    this.retention = retention;
  }

  @Override
  public Future<?> start() {
    AsyncCuratorFramework async = AsyncCuratorFramework.wrap(client);
    store = new SilenceStore(async, layout, index.rules());
    return Future.fromCompletionStage(
            async
                .create()
                .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded))
                .forPath(layout.silences()),
            context)
        .recover(
            error ->
                ZkErrors.is(error, KeeperException.Code.NODEEXISTS)
                    ? Future.succeededFuture()
                    : Future.failedFuture(error))
        .compose(created -> Future.fromCompletionStage(store.list(), context))
        .map(
            listing -> {
              apply(listing);
              watch = new WatchedReload(client, layout.silences(), context, this::load);
              watch.start();
              return null;
            });
  }

  @Override
  public Future<?> stop() {
    if (watch != null) {
      watch.close();
    }
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private Future<?> load() {
    return Future.fromCompletionStage(store.list(), context)
        .onComplete(
            done -> {
              if (done.succeeded()) {
                apply(done.result());
              } else {
                log.warn(
                    "Could not read the silences ({}); the {} known stay in force",
                    done.cause().toString(),
                    index.current().size());
              }
            });
  }

  private void apply(SilenceStore.Listing listing) {
    Set<String> problems = Set.copyOf(listing.unreadable());
    for (String problem : problems) {
      if (!unreadable.contains(problem)) {
        log.warn("Ignoring an unreadable silence: {}", problem);
      }
    }
    unreadable = problems;
    refusals.report(listing.invalid().stream().map(SilenceStore.Invalid::refused).toList());
    versions.clear();
    listing.silences().forEach(s -> versions.put(s.silence().id(), s.version()));
    listing.invalid().forEach(s -> versions.put(s.refused().silence().id(), s.version()));
    Silences next = listing.index();
    boolean changed = !next.equals(index.current());
    index.update(next);
    evaluate(changed);
  }

  /** Logs what started, ended, appeared or went; tells the ledger; removes old silences. */
  private void evaluate(boolean changed) {
    Instant now = index.clock().instant();
    Silences current = index.current();
    Map<String, Silence.State> nowStates = new HashMap<>();
    for (Silence silence : current.all(now)) {
      Silence.State state = silence.state(now);
      nowStates.put(silence.id(), state);
      Silence.State before = states.get(silence.id());
      if (before == null) {
        log.info(
            "Silence {} ({}): {} from {} until {}, by {}: {}",
            silence.id(),
            state.wire(),
            silence.matchersText(),
            silence.startsAt(),
            silence.endsAt(),
            silence.createdBy(),
            silence.comment());
      } else if (before != state) {
        log.info("Silence {} is {} now: {}", silence.id(), state.wire(), silence.matchersText());
      }
    }
    states.keySet().stream()
        .filter(id -> !nowStates.containsKey(id))
        .forEach(id -> log.info("Silence {} was removed", id));
    if (changed || !nowStates.equals(states)) {
      vertx.eventBus().publish(Addresses.SILENCES, null, LOCAL);
    }
    states = nowStates;
    removeOld(current, now);
    schedule(current, now);
  }

  private void removeOld(Silences current, Instant now) {
    for (Silence old : current.expiredBy(now.minus(retention))) {
      Integer version = versions.get(old.id());
      if (version == null || !removing.add(old.id())) {
        continue;
      }
      Future.fromCompletionStage(store.remove(old.id(), version), context)
          .onComplete(
              done -> {
                removing.remove(old.id());
                if (done.failed()) {
                  log.warn("Could not remove silence {}: {}", old.id(), done.cause().toString());
                } else if (done.result()) {
                  log.info(
                      "Removed silence {}, which ended at {} (kept {})",
                      old.id(),
                      old.endsAt(),
                      retention);
                }
              });
    }
  }

  /** Looks again when the next silence starts or ends, or is due for removal. */
  private void schedule(Silences current, Instant now) {
    vertx.cancelTimer(timer);
    long waitMs = MAX_WAIT_MS;
    // Times read from ZooKeeper may be anywhere up to Instant.MAX: only those within the next wait
    // are turned into milliseconds, and an end past the last removable instant is never removed.
    Instant lastRemovable = Instant.MAX.minus(retention);
    List<Instant> next =
        List.of(
            current.nextChange(now).orElse(Instant.MAX),
            Stream.concat(
                    current.all(now).stream(),
                    current.invalid().stream().map(InvalidSilence::silence))
                .filter(s -> s.endsAt().isBefore(lastRemovable))
                .map(s -> s.endsAt().plus(retention))
                .filter(at -> at.isAfter(now))
                .min(Instant::compareTo)
                .orElse(Instant.MAX));
    Instant horizon = now.plusMillis(MAX_WAIT_MS);
    for (Instant at : next) {
      if (at.isBefore(horizon)) {
        waitMs = Math.min(waitMs, Duration.between(now, at).toMillis() + 1);
      }
    }
    timer = vertx.setTimer(Math.max(1, waitMs), id -> evaluate(false));
  }
}
