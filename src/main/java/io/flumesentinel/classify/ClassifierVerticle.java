package io.flumesentinel.classify;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.LifecycleEvent;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.event.Reason;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.Health;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what each change of the registration nodes means: CRASHED, SESSION_LOST, NOT_RUNNING
 * (alert), STOPPED (no alert) or RECOVERED (the alert resolves), and sends the resulting {@link
 * Alert} transitions on {@link Addresses#CLASSIFIED} (on to flap detection, host-level inhibition
 * and the ledger).
 *
 * <p>A removed live node is classified by reading the agent node from ZooKeeper, asynchronously:
 * absent means a deliberate stop, present means an abnormal exit, and a failed read means
 * <em>unknown</em>, which is held and decided again when the connection is back — never taken for
 * absent.
 *
 * <p>A running agent whose node says its health is STUCK or HUNG has a second alert, {@code
 * FlumeAgentStuck}, resolved when the health is OK again, when the agent is deregistered, or when
 * it stops running (its down alert takes over).
 */
public final class ClassifierVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ClassifierVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final ClassifierConfig config;
  private final Function<Context, AgentNodeReader> readers;
  private final AgentAlerts alerts;
  private final Clock clock;

  private final Map<String, AgentView> views = new HashMap<>();

  /** Removals whose classification is unknown: agent id → the live node that went. */
  private final Map<String, NodeData> undecided = new LinkedHashMap<>();

  private AgentNodeReader reader;

  public ClassifierVerticle(
      ClassifierConfig config,
      Function<Context, AgentNodeReader> readers,
      AgentAlerts alerts,
      Clock clock) {
    this.config = config;
    this.readers = readers;
    this.alerts = alerts;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    reader = readers.apply(context);
    var changes =
        vertx
            .eventBus()
            .localConsumer(
                Addresses.ZK_CHANGES,
                message -> {
                  Object body = message.body();
                  if (body instanceof NodeChange change) {
                    changed(change);
                  } else if (body instanceof WatchSnapshot snapshot) {
                    reconcile(snapshot);
                  }
                });
    var connection =
        vertx
            .eventBus()
            .<ConnectionChange>localConsumer(
                Addresses.ZK_CONNECTION, m -> connectionChanged(m.body()));
    return Future.all(changes.completion(), connection.completion());
  }

  private void reconcile(WatchSnapshot snapshot) {
    snapshot.agents().forEach((id, data) -> view(id).agent(data));
    snapshot.live().forEach((id, data) -> view(id).live = data);
    List<Alert> firing = new ArrayList<>();
    for (AgentView view : views.values()) {
      if (view.registered() && view.live == null) {
        view.settleBaseline();
        boolean crashed = view.agent() != null && view.agent().lastExit() != null;
        Instant since =
            crashed && view.agent().lastExit().at() != null
                ? view.agent().lastExit().at()
                : clock.instant();
        view.firing =
            alerts.down(
                view.id,
                view.agent(),
                view.agentProblem(),
                crashed ? Reason.CRASHED : Reason.NOT_RUNNING,
                since);
        firing.add(view.firing);
      }
      if (view.live == null) {
        view.stuck = null; // not running: the down alert (or none) speaks for it
      }
      healthTransition(view); // the ledger resolves what it had firing and is not in the list
      if (view.stuck != null) {
        firing.add(view.stuck);
      }
    }
    views.values().removeIf(view -> !view.registered() && view.live == null);
    log.info("Reconciled {} agents: {} alerts firing", views.size(), firing.size());
    vertx
        .eventBus()
        .send(Addresses.CLASSIFIED, new Reconciliation(firing, snapshot.live().keySet()), LOCAL);
  }

  private void changed(NodeChange change) {
    AgentView view = view(change.agentId());
    if (change.kind() == NodeChange.Kind.AGENT) {
      agentChanged(view, change);
    } else {
      liveChanged(view, change);
    }
    Alert health = healthTransition(view);
    if (health != null) {
      vertx.eventBus().send(Addresses.CLASSIFIED, health, LOCAL);
    }
    if (!view.registered()
        && view.live == null
        && view.firing == null
        && view.stuck == null
        && !undecided.containsKey(view.id)) {
      cancelTimer(view);
      views.remove(view.id);
    }
  }

  private void agentChanged(AgentView view, NodeChange change) {
    switch (change.type()) {
      case CREATED -> {
        view.agent(change.after());
        view.alertedCrashCount = view.crashCount();
        event(
            LifecycleEvent.Type.REGISTERED,
            view.id,
            view.agent() == null ? view.agentProblem() : view.agent().host());
        if (view.live == null) {
          startTimer(view, config.startTimeout().toMillis(), Reason.NOT_RUNNING);
        }
      }
      case CHANGED -> {
        view.settleBaseline();
        view.agent(change.after());
        crashCountChanged(view);
      }
      case DELETED -> {
        view.agent(null);
        cancelTimer(view);
        event(LifecycleEvent.Type.DEREGISTERED, view.id, "");
        resolve(view, Reason.STOPPED);
      }
    }
  }

  /**
   * The crash count went up. Normally the live node's removal follows and is classified then; but
   * when the live node already belongs to a newer run, its removal was never seen (a restart faster
   * than the watch), and the crash must be reported now rather than lost.
   */
  private void crashCountChanged(AgentView view) {
    if (view.crashCount() <= view.alertedCrashCount) {
      return;
    }
    if (view.live == null) {
      view.alertedCrashCount = view.crashCount();
      fire(view, Reason.CRASHED);
    } else if (view.liveStartCrashCount() >= view.crashCount()) {
      view.alertedCrashCount = view.crashCount();
      fire(view, Reason.CRASHED);
      event(LifecycleEvent.Type.RESTARTED, view.id, "crash count " + view.crashCount());
      resolve(view, Reason.RECOVERED);
    }
  }

  private void liveChanged(AgentView view, NodeChange change) {
    NodeData before = change.before();
    switch (change.type()) {
      case CREATED -> came(view, change.after());
      case CHANGED -> {
        if (before != null && change.after().czxid() != before.czxid()) {
          // Deleted and created again between two looks: the removal still needs a verdict.
          came(view, change.after());
          classifyRemoval(view, before);
        } else {
          view.live = change.after();
        }
      }
      case DELETED -> {
        view.live = null;
        classifyRemoval(view, before);
      }
    }
  }

  private void came(AgentView view, NodeData live) {
    view.live = live;
    cancelTimer(view);
    event(LifecycleEvent.Type.STARTED, view.id, "");
    resolve(view, Reason.RECOVERED);
  }

  private void classifyRemoval(AgentView view, NodeData removed) {
    undecided.remove(view.id);
    reader
        .read(view.id)
        .onComplete(
            read -> {
              if (read.failed()) {
                log.warn(
                    "Agent {}: live node gone, agent node unknown ({}); deciding when ZooKeeper is back",
                    view.id,
                    read.cause().toString());
                undecided.put(view.id, removed);
                return;
              }
              NodeData agentNow = read.result();
              if (agentNow == null) {
                view.agent(null);
                event(LifecycleEvent.Type.STOPPED, view.id, "deliberate stop");
                resolve(view, Reason.STOPPED);
                resolveStuck(view, Reason.STOPPED);
                views.remove(view.id, view);
                return;
              }
              view.settleBaseline();
              view.agent(agentNow);
              if (view.live == null) {
                resolveStuck(view, Reason.DOWN);
              } else {
                Alert health = healthTransition(view);
                if (health != null) {
                  vertx.eventBus().send(Addresses.CLASSIFIED, health, LOCAL);
                }
              }
              boolean crashed = view.crashRecordedSince(removed);
              boolean running = view.live != null;
              if (crashed
                  && view.crashCount() <= view.alertedCrashCount
                  && (view.firing != null || running)) {
                return; // this crash was already reported when its record arrived
              }
              if (!crashed && view.firing != null && !running) {
                // Already reported down (a crash record, or no live node at start-up): a removal
                // that adds nothing must not turn that verdict into a vaguer one.
                return;
              }
              if (crashed) {
                view.alertedCrashCount = view.crashCount();
                fire(view, Reason.CRASHED);
                if (running) {
                  resolve(view, Reason.RECOVERED);
                }
              } else if (running) {
                event(
                    LifecycleEvent.Type.SESSION_LOST,
                    view.id,
                    "live node came back before the verdict");
              } else if (config.grace().isZero()) {
                fire(view, Reason.SESSION_LOST);
              } else {
                startTimer(view, config.grace().toMillis(), Reason.SESSION_LOST);
              }
            });
  }

  /**
   * Brings the agent's health alert in line with what is known now: fires it (or updates what it
   * says) while the agent runs with an unhealthy status, resolves it otherwise. Returns the
   * transition to send, or {@code null} when nothing changed.
   */
  private Alert healthTransition(AgentView view) {
    if (view.stuck == null && (view.live == null || !view.mayBeUnhealthy())) {
      return null;
    }
    if (view.stuck != null && view.live == null && view.registered()) {
      return null; // the live node went: the removal's verdict says how it ended (see
      // classifyRemoval)
    }
    AgentNode agent = view.agent();
    Health health = view.live != null && agent != null ? agent.health() : null;
    if (health != null && health.status().unhealthy()) {
      Instant startsAt =
          view.stuck != null
              ? view.stuck.startsAt()
              : health.since() != null ? health.since() : clock.instant();
      Alert alert = alerts.stuck(view.id, agent, health, startsAt);
      if (alert.equals(view.stuck)) {
        return null;
      }
      view.stuck = alert;
      return alert;
    }
    if (view.stuck == null) {
      return null;
    }
    Reason how;
    if (!view.registered()) {
      how = Reason.STOPPED;
    } else if (agent != null
        && agent.crashCount() > view.liveStartCrashCount()
        && view.liveStartCrashCount() >= 0) {
      how = Reason.DOWN; // stopped running (or its crash record is in): the down alert takes over
    } else {
      how = Reason.RECOVERED;
    }
    Alert resolved = alerts.resolved(view.stuck, how, clock.instant());
    view.stuck = null;
    return resolved;
  }

  private void resolveStuck(AgentView view, Reason how) {
    if (view.stuck != null) {
      Alert resolved = alerts.resolved(view.stuck, how, clock.instant());
      view.stuck = null;
      vertx.eventBus().send(Addresses.CLASSIFIED, resolved, LOCAL);
    }
  }

  private void connectionChanged(ConnectionChange change) {
    if (change.state().usable() && !undecided.isEmpty()) {
      Map<String, NodeData> retry = new LinkedHashMap<>(undecided);
      undecided.clear();
      log.info("ZooKeeper is back: deciding {} pending removals", retry.size());
      retry.forEach((id, removed) -> classifyRemoval(view(id), removed));
    }
  }

  private void fire(AgentView view, Reason reason) {
    cancelTimer(view);
    Instant startsAt = view.firing != null ? view.firing.startsAt() : clock.instant();
    view.firing = alerts.down(view.id, view.agent(), view.agentProblem(), reason, startsAt);
    event(
        reason == Reason.CRASHED ? LifecycleEvent.Type.CRASHED : LifecycleEvent.Type.SESSION_LOST,
        view.id,
        view.firing.annotation("summary"));
    vertx.eventBus().send(Addresses.CLASSIFIED, view.firing, LOCAL);
  }

  private void resolve(AgentView view, Reason how) {
    if (view.firing == null) {
      return;
    }
    Alert resolved = alerts.resolved(view.firing, how, clock.instant());
    view.firing = null;
    vertx.eventBus().send(Addresses.CLASSIFIED, resolved, LOCAL);
  }

  /** Fires {@code reason} after {@code delayMs} unless the agent is running (or gone) by then. */
  private void startTimer(AgentView view, long delayMs, Reason reason) {
    cancelTimer(view);
    view.timer =
        vertx.setTimer(
            Math.max(1, delayMs),
            id -> {
              view.timer = -1;
              if (view.registered() && view.live == null && views.get(view.id) == view) {
                fire(view, reason);
              }
            });
  }

  private void cancelTimer(AgentView view) {
    if (view.timer >= 0) {
      vertx.cancelTimer(view.timer);
      view.timer = -1;
    }
  }

  private AgentView view(String id) {
    return views.computeIfAbsent(id, AgentView::new);
  }

  private void event(LifecycleEvent.Type type, String agentId, String detail) {
    vertx
        .eventBus()
        .publish(
            Addresses.EVENTS, new LifecycleEvent(type, agentId, clock.instant(), detail).toJson());
  }
}
