package io.flumesentinel.classify;

import io.flumesentinel.classify.AgentView.DownState;
import io.flumesentinel.classify.AgentView.StuckState;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.LifecycleEvent;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.event.Reason;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.ResourceHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifier's decisions: what each change of the registration nodes means for the agent's down
 * alert ({@code FlumeAgentDown}: CRASHED, SESSION_LOST, NOT_RUNNING; resolved RECOVERED, STOPPED)
 * and its health alert ({@code FlumeAgentStuck}).
 *
 * <p>Pure: no I/O and no timers. Every input returns its {@link Effect}s, in the order they must be
 * carried out; time comes from the injected clock only. {@link ClassifierVerticle} feeds it the
 * watch's messages, performs the {@link ReadAgentNode} reads it asks for and hands their answers
 * back, and calls {@link #expire()} at {@link #nextDeadline()}.
 *
 * <p>Each agent's down alert is one explicit {@link DownState}: CLEAR, AWAITING_START (registered,
 * not running yet: NOT_RUNNING at the start timeout), IN_GRACE (gone without a crash record:
 * SESSION_LOST when the grace is over), FIRING. Its health alert is a {@link StuckState}.
 *
 * <p>Guarantees: a removed live node is decided only from the agent node as ZooKeeper itself
 * answers (present: an abnormal exit; absent: a deliberate stop); an {@link AgentNodeAnswer#unknown
 * unknown} answer is never taken for absent: the removal is held and read again when the connection
 * is usable (at once, if the connection went and came back while the read was out). A crash is
 * reported once, whichever of its crash record and its live node's removal arrives first. Used from
 * one thread only.
 */
final class Classifier {

  private static final Logger log = LoggerFactory.getLogger(Classifier.class);

  /** One thing to do, as the classifier decided it. */
  sealed interface Effect permits SendTransition, SendReconciliation, PublishEvent, ReadAgentNode {}

  /** Send an alert transition on to flap detection. */
  record SendTransition(Alert alert) implements Effect {}

  /** Send the verdict on the initial state on to flap detection. */
  record SendReconciliation(Reconciliation reconciliation) implements Effect {}

  /** Publish a lifecycle event (nobody is paged for it). */
  record PublishEvent(LifecycleEvent event) implements Effect {}

  /**
   * Ask ZooKeeper itself whether the agent node exists, and hand the answer to {@link
   * Classifier#agentNodeRead}.
   *
   * @param removedLive the live node whose removal the answer decides; {@code null} when it was
   *     deleted before its data could be read
   */
  record ReadAgentNode(String agentId, NodeData removedLive) implements Effect {
    public ReadAgentNode {
      Objects.requireNonNull(agentId, "agentId");
    }
  }

  /** How ZooKeeper answered "does the agent node exist?". */
  enum Existence {
    PRESENT,
    ABSENT,
    /** No answer: the connection is down or the read timed out. Never taken for absent. */
    UNKNOWN
  }

  /**
   * One answer to a {@link ReadAgentNode}.
   *
   * @param node the agent node, only when {@link Existence#PRESENT}
   * @param problem why there is no answer, only when {@link Existence#UNKNOWN}
   */
  record AgentNodeAnswer(Existence existence, NodeData node, String problem) {

    AgentNodeAnswer {
      Objects.requireNonNull(existence, "existence");
      if ((existence == Existence.PRESENT) != (node != null)) {
        throw new IllegalArgumentException("a node comes with PRESENT and only with it");
      }
    }

    static AgentNodeAnswer present(NodeData node) {
      return new AgentNodeAnswer(Existence.PRESENT, node, null);
    }

    static AgentNodeAnswer absent() {
      return new AgentNodeAnswer(Existence.ABSENT, null, null);
    }

    static AgentNodeAnswer unknown(String problem) {
      return new AgentNodeAnswer(Existence.UNKNOWN, null, problem);
    }
  }

  /** A deadline of one agent's pending verdict, as set; superseded when the view moved on. */
  private record Wake(Instant at, String agentId) {}

  private final ClassifierConfig config;
  private final AgentAlerts alerts;
  private final Clock clock;

  private final Map<String, AgentView> views = new HashMap<>();

  /** Removals whose verdict is unknown, by agent, in the order they became so. */
  private final Map<String, ReadAgentNode> unknown = new LinkedHashMap<>();

  /**
   * How many times the connection has become usable: a read asked before the last time may fail
   * with the connection it was sent on after the classifier has heard that the connection is back,
   * and no later change would then read it again.
   */
  private long connectionEpoch;

  private boolean connectionUsable = true;

  /** The agents whose node is being read, with the {@link #connectionEpoch} they were asked in. */
  private final Map<String, Long> readsOut = new HashMap<>();

  private final PriorityQueue<Wake> wakes = new PriorityQueue<>(Comparator.comparing(Wake::at));

  /** The effects of the input being handled, in order. */
  private final List<Effect> effects = new ArrayList<>();

  Classifier(ClassifierConfig config, AgentAlerts alerts, Clock clock) {
    this.config = config;
    this.alerts = alerts;
    this.clock = clock;
  }

  /**
   * The watch's initial load: every agent registered without a live node is down (CRASHED when its
   * node records an exit, NOT_RUNNING otherwise), and the verdict lists every alert firing now.
   */
  List<Effect> reconcile(WatchSnapshot snapshot) {
    snapshot.agents().forEach((id, data) -> view(id).agent(data));
    snapshot.live().forEach((id, data) -> view(id).live(data));
    List<Alert> firing = new ArrayList<>();
    for (AgentView view : views.values()) {
      if (view.registered() && !view.running()) {
        view.settleBaseline();
        AgentNode agent = view.agent();
        boolean crashed = agent != null && agent.lastExit() != null;
        Instant since =
            crashed && agent.lastExit().at() != null ? agent.lastExit().at() : clock.instant();
        view.downFiring(
            alerts.down(
                view.id,
                agent,
                view.agentProblem(),
                crashed ? Reason.CRASHED : Reason.NOT_RUNNING,
                since));
        firing.add(view.downAlert());
      }
      if (!view.running()) {
        view.stuckClear(); // not running: the down alert (or none) speaks for it
        view.flowAlerts().clear();
      }
      healthTransition(view); // the ledger resolves what it had firing and is not in the list
      if (view.stuck() == StuckState.FIRING) {
        firing.add(view.stuckAlert());
      }
      if (!view.running()) {
        List.of(AgentAlerts.AGENT_MEMORY, AgentAlerts.AGENT_GC).forEach(view::resourceClear);
      }
      resourceTransitions(view);
      for (String name : List.of(AgentAlerts.AGENT_MEMORY, AgentAlerts.AGENT_GC)) {
        if (view.resourceAlert(name) != null) {
          firing.add(view.resourceAlert(name));
        }
      }
      flowTransitions(view);
      firing.addAll(view.flowAlerts().values());
    }
    views.values().removeIf(view -> !view.registered() && !view.running());
    log.info("Reconciled {} agents: {} alerts firing", views.size(), firing.size());
    effects.add(new SendReconciliation(new Reconciliation(firing, snapshot.live().keySet())));
    return drain();
  }

  /** One change of an agent or live node. */
  List<Effect> changed(NodeChange change) {
    AgentView view = view(change.agentId());
    if (change.kind() == NodeChange.Kind.AGENT) {
      agentChanged(view, change);
    } else {
      liveChanged(view, change);
    }
    Alert health = healthTransition(view);
    if (health != null) {
      effects.add(new SendTransition(health));
    }
    resourceTransitions(view).forEach(alert -> effects.add(new SendTransition(alert)));
    flowTransitions(view).forEach(alert -> effects.add(new SendTransition(alert)));
    if (view.holdsNothing() && !unknown.containsKey(view.id)) {
      views.remove(view.id);
    }
    return drain();
  }

  /** ZooKeeper's answer to a {@link ReadAgentNode} this classifier asked for. */
  List<Effect> agentNodeRead(ReadAgentNode asked, AgentNodeAnswer answer) {
    String id = asked.agentId();
    Long askedIn = readsOut.remove(id);
    switch (answer.existence()) {
      case UNKNOWN -> {
        if (connectionUsable && askedIn != null && askedIn < connectionEpoch) {
          // The connection went and came back while this read was out: nothing more will say so.
          log.info(
              "Agent {}: live node gone, agent node unknown ({}); ZooKeeper is back, reading again",
              id,
              answer.problem());
          read(asked);
        } else {
          log.warn(
              "Agent {}: live node gone, agent node unknown ({}); deciding when ZooKeeper is back",
              id,
              answer.problem());
          unknown.put(id, asked);
        }
      }
      case ABSENT -> {
        AgentView view = view(id);
        view.agent(null);
        event(LifecycleEvent.Type.STOPPED, id, "deliberate stop");
        resolve(view, Reason.STOPPED);
        resolveStuck(view, Reason.STOPPED);
        resolveResources(view, Reason.STOPPED);
        resolveFlow(view, Reason.STOPPED);
        views.remove(id);
      }
      case PRESENT -> decide(view(id), asked.removedLive(), answer.node());
    }
    return drain();
  }

  /** The monitor's own connection changed: once usable, every unknown verdict is read again. */
  List<Effect> connectionChanged(ConnectionChange.State state) {
    connectionUsable = state.usable();
    if (state.usable()) {
      connectionEpoch++;
    }
    if (state.usable() && !unknown.isEmpty()) {
      List<ReadAgentNode> retry = new ArrayList<>(unknown.values());
      unknown.clear();
      log.info("ZooKeeper is back: deciding {} pending removals", retry.size());
      retry.forEach(this::read);
    }
    return drain();
  }

  /** Asks for the agent node, noting the connection's epoch of the asking. */
  private void read(ReadAgentNode asked) {
    readsOut.put(asked.agentId(), connectionEpoch);
    effects.add(asked);
  }

  /** What time brings: the pending verdicts due at the clock's now, earliest first. */
  List<Effect> expire() {
    Instant now = clock.instant();
    while (!wakes.isEmpty() && !wakes.peek().at().isAfter(now)) {
      Wake wake = wakes.poll();
      if (superseded(wake)) {
        continue;
      }
      AgentView view = views.get(wake.agentId());
      Reason reason =
          view.down() == DownState.AWAITING_START ? Reason.NOT_RUNNING : Reason.SESSION_LOST;
      view.downClear();
      if (view.registered() && !view.running()) {
        fire(view, reason);
      }
    }
    return drain();
  }

  /** When {@link #expire()} has something to do next; {@code null} when nothing is pending. */
  Instant nextDeadline() {
    while (!wakes.isEmpty() && superseded(wakes.peek())) {
      wakes.poll();
    }
    return wakes.isEmpty() ? null : wakes.peek().at();
  }

  /** What is known of {@code agentId}; {@code null} when the classifier holds nothing of it. */
  AgentView viewOf(String agentId) {
    return views.get(agentId);
  }

  /** Whether a removal of {@code agentId} waits for the connection to be decided. */
  boolean verdictUnknown(String agentId) {
    return unknown.containsKey(agentId);
  }

  private void agentChanged(AgentView view, NodeChange change) {
    switch (change.type()) {
      case CREATED -> {
        view.agent(change.after());
        // The crashes it was created with are its baseline; one recorded after its creation
        // (an agent that started and crashed before the watch read its node) is still to be
        // told, by the live node's removal that follows.
        view.alertedCrashCount = view.crashCount() - (view.crashRecordedSinceRegistered() ? 1 : 0);
        event(
            LifecycleEvent.Type.REGISTERED,
            view.id,
            view.agent() == null ? view.agentProblem() : view.agent().host());
        if (!view.running() && view.down() != DownState.FIRING) {
          await(view, DownState.AWAITING_START, config.startTimeout());
        }
      }
      case CHANGED -> {
        view.settleBaseline();
        view.agent(change.after());
        crashCountChanged(view);
      }
      case DELETED -> {
        view.agent(null);
        cancelWait(view);
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
    if (!view.running()) {
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
        if (change.removesNode()) {
          // Deleted and created again between two looks: the removal still needs a verdict.
          came(view, change.after());
          classifyRemoval(view, before);
        } else {
          view.live(change.after());
        }
      }
      case DELETED -> {
        view.live(null);
        classifyRemoval(view, before);
      }
    }
  }

  private void came(AgentView view, NodeData live) {
    view.live(live);
    cancelWait(view);
    event(LifecycleEvent.Type.STARTED, view.id, "");
    resolve(view, Reason.RECOVERED);
  }

  /** A live node went: only the agent node, as ZooKeeper answers now, tells how. */
  private void classifyRemoval(AgentView view, NodeData removed) {
    unknown.remove(view.id);
    read(new ReadAgentNode(view.id, removed));
  }

  /** The agent node is there: the live node's removal was an abnormal exit of some kind. */
  private void decide(AgentView view, NodeData removed, NodeData agentNow) {
    view.settleBaseline();
    view.agent(agentNow);
    if (!view.running()) {
      resolveStuck(view, Reason.DOWN);
      resolveResources(view, Reason.DOWN);
      resolveFlow(view, Reason.DOWN);
    } else {
      Alert health = healthTransition(view);
      if (health != null) {
        effects.add(new SendTransition(health));
      }
      resourceTransitions(view).forEach(alert -> effects.add(new SendTransition(alert)));
      flowTransitions(view).forEach(alert -> effects.add(new SendTransition(alert)));
    }
    boolean crashed = view.crashRecordedSince(removed);
    boolean running = view.running();
    boolean firing = view.down() == DownState.FIRING;
    if (crashed && view.crashCount() <= view.alertedCrashCount && (firing || running)) {
      return; // this crash was already reported when its record arrived
    }
    if (!crashed && firing && !running) {
      // Already reported down (a crash record, or no live node at start-up): a removal that adds
      // nothing must not turn that verdict into a vaguer one.
      return;
    }
    if (crashed) {
      view.alertedCrashCount = view.crashCount();
      fire(view, Reason.CRASHED);
      if (running) {
        resolve(view, Reason.RECOVERED);
      }
    } else if (running) {
      event(LifecycleEvent.Type.SESSION_LOST, view.id, "live node came back before the verdict");
    } else if (config.grace().isZero()) {
      fire(view, Reason.SESSION_LOST);
    } else {
      await(view, DownState.IN_GRACE, config.grace());
    }
  }

  /**
   * Brings the agent's health alert in line with what is known now: fires it (or updates what it
   * says) while the agent runs with an unhealthy status, resolves it otherwise. Returns the
   * transition to send, or {@code null} when nothing changed.
   */
  private Alert healthTransition(AgentView view) {
    boolean stuck = view.stuck() == StuckState.FIRING;
    if (!stuck && (!view.running() || !view.mayBeUnhealthy())) {
      return null;
    }
    if (stuck && !view.running() && view.registered()) {
      return null; // the live node went: the removal's verdict says how it ended (see decide)
    }
    AgentNode agent = view.agent();
    Health health = view.running() && agent != null ? agent.health() : null;
    if (health != null && health.status().unhealthy()) {
      Instant startsAt =
          stuck
              ? view.stuckAlert().startsAt()
              : health.since() != null ? health.since() : clock.instant();
      Alert alert = alerts.stuck(view.id, agent, health, startsAt);
      if (stuck && alert.equals(view.stuckAlert())) {
        return null;
      }
      view.stuckFiring(alert);
      return alert;
    }
    if (!stuck) {
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
    Alert resolved = alerts.resolved(view.stuckAlert(), how, clock.instant());
    view.stuckClear();
    return resolved;
  }

  /**
   * Brings the agent's resource alerts ({@code FlumeAgentMemory}, {@code FlumeAgentGc}) in line
   * with its node's {@code resources}, as {@link #healthTransition} does for the health alert.
   * Returns the transitions to send.
   */
  private List<Alert> resourceTransitions(AgentView view) {
    List<Alert> out = new ArrayList<>();
    boolean firing = view.resourceFiring();
    if (!firing && (!view.running() || !view.mayHaveResources())) {
      return out;
    }
    if (firing && !view.running() && view.registered()) {
      return out; // the live node went: the removal's verdict says how it ended (see decide)
    }
    AgentNode agent = view.agent();
    ResourceHealth resources = view.running() && agent != null ? agent.resources() : null;
    for (String name : List.of(AgentAlerts.AGENT_MEMORY, AgentAlerts.AGENT_GC)) {
      ResourceHealth.Verdict verdict =
          resources == null
              ? null
              : name.equals(AgentAlerts.AGENT_GC) ? resources.gc() : resources.memory();
      Alert current = view.resourceAlert(name);
      if (verdict != null && verdict.high()) {
        Instant startsAt =
            current != null
                ? current.startsAt()
                : verdict.since() != null ? verdict.since() : clock.instant();
        Alert alert = alerts.resource(name, view.id, agent, verdict, startsAt);
        if (!alert.equals(current)) {
          view.resourceFiring(name, alert);
          out.add(alert);
        }
      } else if (current != null) {
        out.add(alerts.resolved(current, resolution(view, agent), clock.instant()));
        view.resourceClear(name);
      }
    }
    return out;
  }

  /**
   * Brings the agent's flow-check alerts in line with its node: one firing alert per verdict while
   * the agent runs (updated when what it says changed), resolved when its verdict is gone. Returns
   * the transitions to send.
   */
  private List<Alert> flowTransitions(AgentView view) {
    Map<String, Alert> firing = view.flowAlerts();
    if (firing.isEmpty() && (!view.running() || !view.mayBeUnhealthy())) {
      return List.of();
    }
    if (!firing.isEmpty() && !view.running() && view.registered()) {
      return List.of(); // the live node went: the removal's verdict says how it ended
    }
    AgentNode agent = view.agent();
    Health health = view.running() && agent != null ? agent.health() : null;
    Map<String, FlowVerdict> standing = new LinkedHashMap<>();
    if (health != null) {
      health.flow().forEach(verdict -> standing.put(verdict.key(), verdict));
    }
    List<Alert> out = new ArrayList<>();
    Reason how = null;
    for (var it = firing.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      if (!standing.containsKey(entry.getKey())) {
        how = how != null ? how : resolution(view, agent);
        out.add(alerts.resolved(entry.getValue(), how, clock.instant()));
        it.remove();
      }
    }
    standing.forEach(
        (key, verdict) -> {
          Alert before = firing.get(key);
          Instant startsAt =
              before != null
                  ? before.startsAt()
                  : verdict.since() != null ? verdict.since() : clock.instant();
          Alert alert = alerts.flow(view.id, agent, verdict, startsAt);
          if (!alert.equals(before)) {
            firing.put(key, alert);
            out.add(alert);
          }
        });
    return out;
  }

  /** How a health, resource or flow alert of a running (or gone) agent ended. */
  private static Reason resolution(AgentView view, AgentNode agent) {
    if (!view.registered()) {
      return Reason.STOPPED;
    }
    if (agent != null
        && agent.crashCount() > view.liveStartCrashCount()
        && view.liveStartCrashCount() >= 0) {
      return Reason.DOWN;
    }
    return Reason.RECOVERED;
  }

  private void resolveResources(AgentView view, Reason how) {
    for (String name : List.of(AgentAlerts.AGENT_MEMORY, AgentAlerts.AGENT_GC)) {
      Alert current = view.resourceAlert(name);
      if (current != null) {
        effects.add(new SendTransition(alerts.resolved(current, how, clock.instant())));
        view.resourceClear(name);
      }
    }
  }

  private void resolveFlow(AgentView view, Reason how) {
    for (Alert firing : view.flowAlerts().values()) {
      effects.add(new SendTransition(alerts.resolved(firing, how, clock.instant())));
    }
    view.flowAlerts().clear();
  }

  private void resolveStuck(AgentView view, Reason how) {
    if (view.stuck() == StuckState.FIRING) {
      Alert resolved = alerts.resolved(view.stuckAlert(), how, clock.instant());
      view.stuckClear();
      effects.add(new SendTransition(resolved));
    }
  }

  private void fire(AgentView view, Reason reason) {
    Instant startsAt =
        view.down() == DownState.FIRING ? view.downAlert().startsAt() : clock.instant();
    Alert alert = alerts.down(view.id, view.agent(), view.agentProblem(), reason, startsAt);
    view.downFiring(alert);
    event(
        reason == Reason.CRASHED ? LifecycleEvent.Type.CRASHED : LifecycleEvent.Type.SESSION_LOST,
        view.id,
        alert.annotation("summary"));
    effects.add(new SendTransition(alert));
  }

  private void resolve(AgentView view, Reason how) {
    if (view.down() != DownState.FIRING) {
      return;
    }
    Alert resolved =
        alerts.resolved(
            view.downAlert(),
            how,
            clock.instant(),
            how == Reason.RECOVERED ? view.livePid() : null);
    view.downClear();
    effects.add(new SendTransition(resolved));
  }

  /**
   * {@code pending} decides at the end of {@code delay}, unless the agent runs (or goes) by then.
   */
  private void await(AgentView view, DownState pending, Duration delay) {
    Instant due = clock.instant().plus(delay);
    view.awaitUntil(pending, due);
    wakes.add(new Wake(due, view.id));
  }

  private void cancelWait(AgentView view) {
    if (view.down().waiting()) {
      view.downClear();
    }
  }

  /** Whether {@code wake} no longer stands for a pending verdict. */
  private boolean superseded(Wake wake) {
    AgentView view = views.get(wake.agentId());
    return view == null || !view.down().waiting() || !view.deadline().equals(wake.at());
  }

  private AgentView view(String id) {
    return views.computeIfAbsent(id, AgentView::new);
  }

  private void event(LifecycleEvent.Type type, String agentId, String detail) {
    effects.add(new PublishEvent(new LifecycleEvent(type, agentId, clock.instant(), detail)));
  }

  private List<Effect> drain() {
    List<Effect> out = List.copyOf(effects);
    effects.clear();
    return out;
  }
}
