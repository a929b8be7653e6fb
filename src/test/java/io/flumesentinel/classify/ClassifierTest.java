package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.classify.AgentView.StuckState;
import io.flumesentinel.classify.Classifier.AgentNodeAnswer;
import io.flumesentinel.classify.Classifier.Effect;
import io.flumesentinel.classify.Classifier.PublishEvent;
import io.flumesentinel.classify.Classifier.ReadAgentNode;
import io.flumesentinel.classify.Classifier.SendReconciliation;
import io.flumesentinel.classify.Classifier.SendTransition;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The classifier's decisions, table-driven: an agent in a given state (reached by the inputs of a
 * {@link Given}), one input at a given time, and what the classifier answers (effects, one short
 * line each) and the agent's state afterwards. Time comes from a test clock; nothing waits.
 */
class ClassifierTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private static final ClassifierConfig NO_GRACE = ClassifierConfig.defaults();
  private static final ClassifierConfig GRACE_30S =
      new ClassifierConfig(Duration.ofSeconds(30), Duration.ofSeconds(60));

  // ---- node data ---------------------------------------------------------------------------

  /** The agent node with {@code crashes} crashes recorded, the last one at T0 - 10 s. */
  private static NodeData agent(long crashes) {
    return node(agentNode(crashes).toBytes(), 1);
  }

  private static AgentNode agentNode(long crashes) {
    return new AgentNode(
        "h1",
        "ingest",
        Map.of(),
        T0.minusSeconds(3600),
        crashes,
        crashes == 0 ? null : new ExitRecord(1, null, T0.minusSeconds(10), "boom"));
  }

  private static NodeData health(Health.Status status) {
    Health health =
        new Health(status, "channel c1 is full", T0.plusSeconds(5), Map.of("channel", "c1"));
    return node(agentNode(0).withHealth(health).toBytes(), 1);
  }

  /** A live node of a run that started with {@code crashes} crashes on record. */
  private static NodeData live(long crashes, long czxid) {
    return new NodeData(
        new LiveNode(7, T0.minusSeconds(60), "1.11.0", crashes).toBytes(),
        czxid,
        czxid,
        T0.minusSeconds(60).toEpochMilli());
  }

  /** Bytes that are no node at all, created at {@code ctime}. */
  private static NodeData garbled(Instant ctime) {
    return new NodeData("{not json".getBytes(StandardCharsets.UTF_8), 50, 50, ctime.toEpochMilli());
  }

  private static NodeData node(byte[] data, long czxid) {
    return new NodeData(data, czxid, czxid, 0);
  }

  private static final NodeData LIVE = live(0, 10);

  /** The next run's live node, created after a crash. */
  private static final NodeData NEXT_LIVE = live(1, 20);

  // ---- inputs ------------------------------------------------------------------------------

  /** One input at {@code atMs} after T0. */
  record Step(long atMs, String what, Function<Script, List<Effect>> feed) {
    @Override
    public String toString() {
      return "+" + atMs + "ms " + what;
    }
  }

  private static Step snapshot(
      long atMs, Map<String, NodeData> agents, Map<String, NodeData> live) {
    return new Step(atMs, "snapshot", s -> s.classifier.reconcile(new WatchSnapshot(agents, live)));
  }

  private static Step change(
      long atMs, NodeChange.Kind kind, NodeChange.Type type, NodeData before, NodeData after) {
    return new Step(
        atMs,
        kind + " " + type,
        s -> s.classifier.changed(new NodeChange(kind, type, "a1", before, after)));
  }

  private static Step agentCreated(long atMs, NodeData agent) {
    return change(atMs, NodeChange.Kind.AGENT, NodeChange.Type.CREATED, null, agent);
  }

  private static Step agentChanged(long atMs, NodeData agent) {
    return change(atMs, NodeChange.Kind.AGENT, NodeChange.Type.CHANGED, null, agent);
  }

  private static Step agentDeleted(long atMs) {
    return change(atMs, NodeChange.Kind.AGENT, NodeChange.Type.DELETED, null, null);
  }

  private static Step liveCreated(long atMs, NodeData live) {
    return change(atMs, NodeChange.Kind.LIVE, NodeChange.Type.CREATED, null, live);
  }

  private static Step liveChanged(long atMs, NodeData before, NodeData after) {
    return change(atMs, NodeChange.Kind.LIVE, NodeChange.Type.CHANGED, before, after);
  }

  /**
   * @param before {@code null}: deleted before the watch could read it
   */
  private static Step liveDeleted(long atMs, NodeData before) {
    return change(atMs, NodeChange.Kind.LIVE, NodeChange.Type.DELETED, before, null);
  }

  /** ZooKeeper answers the oldest read of a1 still waiting. */
  private static Step answer(long atMs, AgentNodeAnswer answer) {
    return new Step(atMs, "read answered " + answer.existence(), s -> s.answerOldestRead(answer));
  }

  private static AgentNodeAnswer present(NodeData agent) {
    return AgentNodeAnswer.present(agent);
  }

  private static AgentNodeAnswer absent() {
    return AgentNodeAnswer.absent();
  }

  private static AgentNodeAnswer unknown() {
    return AgentNodeAnswer.unknown("ConnectionLossException");
  }

  private static Step connection(long atMs, ConnectionChange.State state) {
    return new Step(atMs, "connection " + state, s -> s.classifier.connectionChanged(state));
  }

  private static Step tick(long atMs) {
    return new Step(atMs, "tick", s -> s.classifier.expire());
  }

  // ---- the states an agent starts a row in -------------------------------------------------

  /** A named state, as the inputs that lead to it. */
  record Given(String name, ClassifierConfig config, List<Step> steps) {
    Given then(Step... more) {
      List<Step> all = new ArrayList<>(steps);
      all.addAll(Arrays.asList(more));
      return new Given(name, config, all);
    }

    Given named(String other) {
      return new Given(other, config, steps);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static Given startedWith(
      ClassifierConfig config, Map<String, NodeData> agents, Map<String, NodeData> live) {
    return new Given("", config, List.of(snapshot(0, agents, live)));
  }

  private static final Given RUNNING =
      startedWith(NO_GRACE, Map.of("a1", agent(0)), Map.of("a1", LIVE)).named("running");

  private static final Given REMOVAL_BEING_READ =
      RUNNING.then(liveDeleted(1000, LIVE)).named("live node gone, agent node being read");

  private static final Given REMOVAL_UNKNOWN =
      REMOVAL_BEING_READ
          .then(answer(1000, unknown()))
          .named("live node gone while ZooKeeper could not answer");

  private static final Given IN_GRACE =
      new Given("", GRACE_30S, RUNNING.steps())
          .then(liveDeleted(1000, LIVE), answer(1000, present(agent(0))))
          .named("in grace after a session loss");

  private static final Given DOWN_CRASHED =
      REMOVAL_BEING_READ.then(answer(1000, present(agent(1)))).named("down, crashed");

  private static final Given DOWN_NOT_RUNNING =
      startedWith(NO_GRACE, Map.of("a1", agent(0)), Map.of()).named("registered, never seen live");

  private static final Given AWAITING_START =
      startedWith(NO_GRACE, Map.of(), Map.of())
          .then(agentCreated(0, agent(0)))
          .named("registered at runtime, not started yet");

  private static final Given RUNNING_STUCK =
      RUNNING.then(agentChanged(0, health(Health.Status.STUCK))).named("running, stuck");

  private static final Given NOTHING =
      startedWith(NO_GRACE, Map.of(), Map.of()).named("unknown agent");

  // ---- the table ---------------------------------------------------------------------------

  static Stream<Arguments> rows() {
    return Stream.of(
        // crash, stop, session loss: the removal of a live node is decided by a read
        row(RUNNING, liveDeleted(1000, LIVE), List.of("read a1"), "registered no-live CLEAR"),
        row(
            REMOVAL_BEING_READ,
            answer(1000, present(agent(1))),
            List.of("event CRASHED a1", "firing FlumeAgentDown a1 reason=CRASHED since=+1s"),
            "registered no-live FIRING"),
        row(REMOVAL_BEING_READ, answer(1000, absent()), List.of("event STOPPED a1"), "forgotten"),
        row(
            RUNNING,
            agentDeleted(1000),
            List.of("event DEREGISTERED a1"),
            "unregistered live CLEAR"),
        row(
            RUNNING.then(agentDeleted(1000)).named("deregistered, still live"),
            liveDeleted(1000, LIVE),
            List.of("read a1"),
            "forgotten"),
        row(
            RUNNING.then(agentDeleted(1000), liveDeleted(1000, LIVE)).named("both nodes gone"),
            answer(1000, absent()),
            List.of("event STOPPED a1"),
            "forgotten"),
        row(
            REMOVAL_BEING_READ,
            answer(1000, present(agent(0))),
            List.of(
                "event SESSION_LOST a1", "firing FlumeAgentDown a1 reason=SESSION_LOST since=+1s"),
            "registered no-live FIRING"),
        // recovery and deliberate stop of a down agent
        row(
            DOWN_CRASHED,
            liveCreated(5000, NEXT_LIVE),
            List.of("event STARTED a1", "resolved FlumeAgentDown a1 resolution=RECOVERED"),
            "registered live CLEAR"),
        row(
            DOWN_CRASHED,
            agentDeleted(5000),
            List.of("event DEREGISTERED a1", "resolved FlumeAgentDown a1 resolution=STOPPED"),
            "forgotten"),
        // a grace lets a quick comeback pass silently
        row(
            IN_GRACE,
            liveCreated(5000, NEXT_LIVE),
            List.of("event STARTED a1"),
            "registered live CLEAR"),
        row(IN_GRACE, tick(30_999), List.of(), "registered no-live IN_GRACE"),
        row(
            IN_GRACE,
            tick(31_000),
            List.of(
                "event SESSION_LOST a1", "firing FlumeAgentDown a1 reason=SESSION_LOST since=+31s"),
            "registered no-live FIRING"),
        // start-up: registered without a live node is down
        row(
            NOTHING,
            snapshot(0, Map.of("a1", agent(0)), Map.of()),
            List.of("reconciled firing=[FlumeAgentDown a1 NOT_RUNNING since=+0s] running=[]"),
            "registered no-live FIRING"),
        row(
            NOTHING,
            snapshot(0, Map.of("a1", agent(2)), Map.of()),
            List.of("reconciled firing=[FlumeAgentDown a1 CRASHED since=-10s] running=[]"),
            "registered no-live FIRING"),
        row(
            NOTHING,
            snapshot(0, Map.of("a1", agent(0)), Map.of("a1", LIVE)),
            List.of("reconciled firing=[] running=[a1]"),
            "registered live CLEAR"),
        row(
            NOTHING,
            snapshot(0, Map.of(), Map.of("a1", LIVE)),
            List.of("reconciled firing=[] running=[a1]"),
            "unregistered live CLEAR"),
        row(
            DOWN_NOT_RUNNING,
            liveCreated(2000, LIVE),
            List.of("event STARTED a1", "resolved FlumeAgentDown a1 resolution=RECOVERED"),
            "registered live CLEAR"),
        // registered at runtime: NOT_RUNNING when it does not start within the start timeout
        row(
            NOTHING,
            agentCreated(0, agent(0)),
            List.of("event REGISTERED a1"),
            "registered no-live AWAITING_START"),
        row(
            AWAITING_START,
            liveCreated(59_000, LIVE),
            List.of("event STARTED a1"),
            "registered live CLEAR"),
        row(AWAITING_START, tick(59_999), List.of(), "registered no-live AWAITING_START"),
        row(
            AWAITING_START,
            tick(60_000),
            List.of(
                "event SESSION_LOST a1", "firing FlumeAgentDown a1 reason=NOT_RUNNING since=+60s"),
            "registered no-live FIRING"),
        row(AWAITING_START, agentDeleted(1000), List.of("event DEREGISTERED a1"), "forgotten"),
        // unknown while the connection is down: never absent, decided when it is back
        row(
            REMOVAL_BEING_READ,
            answer(1000, unknown()),
            List.of(),
            "registered no-live CLEAR verdict=UNKNOWN"),
        row(
            REMOVAL_UNKNOWN,
            connection(2000, ConnectionChange.State.SUSPENDED),
            List.of(),
            "registered no-live CLEAR verdict=UNKNOWN"),
        row(
            REMOVAL_UNKNOWN,
            connection(2000, ConnectionChange.State.LOST),
            List.of(),
            "registered no-live CLEAR verdict=UNKNOWN"),
        row(
            REMOVAL_UNKNOWN,
            connection(5000, ConnectionChange.State.RECONNECTED),
            List.of("read a1"),
            "registered no-live CLEAR"),
        row(
            REMOVAL_UNKNOWN
                .then(connection(5000, ConnectionChange.State.RECONNECTED))
                .named("unknown, connection back"),
            answer(5000, absent()),
            List.of("event STOPPED a1"),
            "forgotten"),
        row(
            REMOVAL_UNKNOWN
                .then(connection(5000, ConnectionChange.State.RECONNECTED))
                .named("unknown, connection back"),
            answer(5000, present(agent(0))),
            List.of(
                "event SESSION_LOST a1", "firing FlumeAgentDown a1 reason=SESSION_LOST since=+5s"),
            "registered no-live FIRING"),
        row(
            REMOVAL_UNKNOWN
                .then(
                    liveCreated(3000, NEXT_LIVE),
                    connection(5000, ConnectionChange.State.RECONNECTED))
                .named("unknown, running again, connection back"),
            answer(5000, present(agent(0))),
            List.of("event SESSION_LOST a1"),
            "registered live CLEAR"),
        row(
            REMOVAL_UNKNOWN
                .then(
                    liveCreated(3000, NEXT_LIVE),
                    connection(5000, ConnectionChange.State.RECONNECTED))
                .named("unknown, running again, connection back"),
            answer(5000, present(agent(1))),
            List.of(
                "event CRASHED a1",
                "firing FlumeAgentDown a1 reason=CRASHED since=+5s",
                "resolved FlumeAgentDown a1 resolution=RECOVERED"),
            "registered live CLEAR"),
        // a monitor that takes over or restarts derives each incident again: a crash from the
        // supervisor's record, so its start is the same whenever the monitor starts; an expired
        // live node only as NOT_RUNNING, since now (the ledger keeps the start and the reason on
        // record for the same incident)
        row(
            NOTHING,
            snapshot(5000, Map.of("a1", agent(2)), Map.of()),
            List.of("reconciled firing=[FlumeAgentDown a1 CRASHED since=-10s] running=[]"),
            "registered no-live FIRING"),
        row(
            NOTHING,
            snapshot(5000, Map.of("a1", agent(0)), Map.of()),
            List.of("reconciled firing=[FlumeAgentDown a1 NOT_RUNNING since=+5s] running=[]"),
            "registered no-live FIRING"),
        row(
            DOWN_NOT_RUNNING,
            agentChanged(5000, agent(1)),
            List.of("event CRASHED a1", "firing FlumeAgentDown a1 reason=CRASHED since=+0s"),
            "registered no-live FIRING"),
        // garbled node data
        row(
            NOTHING,
            snapshot(0, Map.of("a1", garbled(T0)), Map.of()),
            List.of(
                "reconciled firing=[FlumeAgentDown a1 NOT_RUNNING since=+0s garbled] running=[]"),
            "registered no-live FIRING"),
        row(
            REMOVAL_BEING_READ,
            answer(1000, present(garbled(T0))),
            List.of(
                "event SESSION_LOST a1",
                "firing FlumeAgentDown a1 reason=SESSION_LOST since=+1s garbled"),
            "registered no-live FIRING"),
        row(
            RUNNING
                .then(liveDeleted(1000, garbled(T0.minusSeconds(20))))
                .named("garbled live node gone after its run's exit"),
            answer(1000, present(agent(1))),
            List.of("event CRASHED a1", "firing FlumeAgentDown a1 reason=CRASHED since=+1s"),
            "registered no-live FIRING"),
        row(
            RUNNING
                .then(liveDeleted(1000, garbled(T0.minusSeconds(5))))
                .named("garbled live node created after the last exit"),
            answer(1000, present(agent(1))),
            List.of(
                "event SESSION_LOST a1", "firing FlumeAgentDown a1 reason=SESSION_LOST since=+1s"),
            "registered no-live FIRING"),
        // what the flap detection sees: one down and one up per incident, whatever the order
        row(RUNNING, agentChanged(1000, agent(1)), List.of(), "registered live CLEAR"),
        row(
            RUNNING
                .then(agentChanged(1000, agent(1)), liveDeleted(1000, LIVE))
                .named("crash record in before the removal"),
            answer(1000, present(agent(1))),
            List.of("event CRASHED a1", "firing FlumeAgentDown a1 reason=CRASHED since=+1s"),
            "registered no-live FIRING"),
        row(
            RUNNING
                .then(liveChanged(1000, NEXT_LIVE, NEXT_LIVE))
                .named("restarted faster than the watch"),
            agentChanged(1000, agent(1)),
            List.of(
                "event CRASHED a1",
                "firing FlumeAgentDown a1 reason=CRASHED since=+1s",
                "event RESTARTED a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED"),
            "registered live CLEAR"),
        row(
            RUNNING,
            liveChanged(1000, LIVE, NEXT_LIVE),
            List.of("event STARTED a1", "read a1"),
            "registered live CLEAR"),
        row(
            RUNNING
                .then(liveChanged(1000, LIVE, NEXT_LIVE))
                .named("deleted and created again between two looks"),
            answer(1000, present(agent(1))),
            List.of(
                "event CRASHED a1",
                "firing FlumeAgentDown a1 reason=CRASHED since=+1s",
                "resolved FlumeAgentDown a1 resolution=RECOVERED"),
            "registered live CLEAR"),
        row(
            DOWN_NOT_RUNNING,
            agentChanged(1000, agent(1)),
            List.of("event CRASHED a1", "firing FlumeAgentDown a1 reason=CRASHED since=+0s"),
            "registered no-live FIRING"),
        row(
            DOWN_NOT_RUNNING
                .then(agentChanged(1000, agent(1)), liveDeleted(1000, null))
                .named("crash reported, then a never-seen live node's removal"),
            answer(1000, present(agent(1))),
            List.of(),
            "registered no-live FIRING"),
        row(
            DOWN_CRASHED.then(liveDeleted(2000, null)).named("down, a removal that adds nothing"),
            answer(2000, present(agent(1))),
            List.of(),
            "registered no-live FIRING"),
        // health
        row(
            RUNNING,
            agentChanged(1000, health(Health.Status.STUCK)),
            List.of("firing FlumeAgentStuck a1 reason=STUCK since=+5s"),
            "registered live CLEAR stuck=FIRING"),
        row(
            RUNNING_STUCK,
            agentChanged(1000, health(Health.Status.HUNG)),
            List.of("firing FlumeAgentStuck a1 reason=HUNG since=+5s"),
            "registered live CLEAR stuck=FIRING"),
        row(
            RUNNING_STUCK,
            agentChanged(1000, health(Health.Status.OK)),
            List.of("resolved FlumeAgentStuck a1 resolution=RECOVERED"),
            "registered live CLEAR"),
        row(
            RUNNING_STUCK,
            liveDeleted(1000, LIVE),
            List.of("read a1"),
            "registered no-live CLEAR stuck=FIRING"),
        row(
            RUNNING_STUCK.then(liveDeleted(1000, LIVE)).named("stuck, live node gone"),
            answer(1000, present(health(Health.Status.STUCK))),
            List.of(
                "resolved FlumeAgentStuck a1 resolution=DOWN",
                "event SESSION_LOST a1",
                "firing FlumeAgentDown a1 reason=SESSION_LOST since=+1s"),
            "registered no-live FIRING"),
        row(
            RUNNING_STUCK.then(liveDeleted(1000, LIVE)).named("stuck, live node gone"),
            answer(1000, absent()),
            List.of("event STOPPED a1", "resolved FlumeAgentStuck a1 resolution=STOPPED"),
            "forgotten"),
        row(
            RUNNING_STUCK,
            agentDeleted(1000),
            List.of("event DEREGISTERED a1", "resolved FlumeAgentStuck a1 resolution=STOPPED"),
            "unregistered live CLEAR"),
        row(
            NOTHING,
            snapshot(0, Map.of("a1", health(Health.Status.STUCK)), Map.of("a1", LIVE)),
            List.of("reconciled firing=[FlumeAgentStuck a1 STUCK since=+5s] running=[a1]"),
            "registered live CLEAR stuck=FIRING"));
  }

  private static Arguments row(Given given, Step input, List<String> effects, String state) {
    return Arguments.of(given + ", " + input.what(), given, input, effects, state);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(String name, Given given, Step input, List<String> effects, String state) {
    Script script = new Script(given.config());
    script.feed(given.steps());

    assertThat(script.feed(List.of(input))).as("effects").isEqualTo(effects);
    assertThat(script.state("a1")).as("state").isEqualTo(state);
  }

  @Test
  void aDeadlineIsPendingOnlyWhileAVerdictWaitsForIt() {
    Script script = new Script(NO_GRACE);
    script.feed(AWAITING_START.steps());
    assertThat(script.classifier.nextDeadline()).isEqualTo(T0.plusSeconds(60));

    script.feed(List.of(liveCreated(1000, LIVE)));
    assertThat(script.classifier.nextDeadline()).isNull();
    assertThat(script.feed(List.of(tick(60_000)))).isEmpty();
  }

  @Test
  void aLaterRegistrationMovesTheStartDeadline() {
    Script script = new Script(NO_GRACE);
    script.feed(AWAITING_START.steps());
    script.feed(List.of(agentDeleted(1000), agentCreated(10_000, agent(0))));

    assertThat(script.classifier.nextDeadline()).isEqualTo(T0.plusSeconds(70));
    assertThat(script.feed(List.of(tick(60_000)))).isEmpty();
    assertThat(script.feed(List.of(tick(70_000))))
        .containsExactly(
            "event SESSION_LOST a1", "firing FlumeAgentDown a1 reason=NOT_RUNNING since=+70s");
  }

  @Test
  void removalsUnknownForSeveralAgentsAreReadAgainInTheOrderTheyWentUnknown() {
    Script script = new Script(NO_GRACE);
    Map<String, NodeData> agents = Map.of("a1", agent(0), "a2", agent(0), "a3", agent(0));
    Map<String, NodeData> live = Map.of("a1", LIVE, "a2", LIVE, "a3", LIVE);
    script.feed(List.of(snapshot(0, agents, live)));
    for (String id : List.of("a3", "a1", "a2")) {
      List<Effect> read =
          script.classifier.changed(
              new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.DELETED, id, LIVE, null));
      script.classifier.agentNodeRead(
          (ReadAgentNode) read.get(0), AgentNodeAnswer.unknown("ConnectionLossException"));
    }

    assertThat(script.classifier.connectionChanged(ConnectionChange.State.RECONNECTED))
        .extracting(effect -> ((ReadAgentNode) effect).agentId())
        .containsExactly("a3", "a1", "a2");
  }

  @Test
  void aRemovalWhoseReadFailsOnceTheConnectionIsBackIsReadAgainAtOnceAndDecided() {
    Script script = new Script(NO_GRACE);
    script.feed(List.of(snapshot(0, Map.of("a1", agent(0)), Map.of("a1", LIVE))));
    List<Effect> read =
        script.classifier.changed(
            new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.DELETED, "a1", LIVE, null));
    // the connection goes and comes back while the read is out; its failure arrives after
    assertThat(script.classifier.connectionChanged(ConnectionChange.State.SUSPENDED)).isEmpty();
    assertThat(script.classifier.connectionChanged(ConnectionChange.State.RECONNECTED)).isEmpty();

    List<Effect> again =
        script.classifier.agentNodeRead(
            (ReadAgentNode) read.get(0), AgentNodeAnswer.unknown("ConnectionLossException"));

    assertThat(again)
        .extracting(effect -> ((ReadAgentNode) effect).agentId())
        .containsExactly("a1");
    assertThat(
            script.classifier.agentNodeRead(
                (ReadAgentNode) again.get(0), AgentNodeAnswer.present(agent(1))))
        .filteredOn(SendTransition.class::isInstance)
        .extracting(effect -> ((SendTransition) effect).alert().firing())
        .containsExactly(true);
  }

  @Test
  void aReadThatFailsWithNoReconnectionSinceItWasAskedWaitsForTheConnection() {
    Script script = new Script(NO_GRACE);
    script.feed(List.of(snapshot(0, Map.of("a1", agent(0)), Map.of("a1", LIVE))));
    List<Effect> read =
        script.classifier.changed(
            new NodeChange(NodeChange.Kind.LIVE, NodeChange.Type.DELETED, "a1", LIVE, null));
    assertThat(script.classifier.connectionChanged(ConnectionChange.State.SUSPENDED)).isEmpty();

    assertThat(
            script.classifier.agentNodeRead(
                (ReadAgentNode) read.get(0), AgentNodeAnswer.unknown("ConnectionLossException")))
        .isEmpty();
    assertThat(script.classifier.connectionChanged(ConnectionChange.State.RECONNECTED))
        .extracting(effect -> ((ReadAgentNode) effect).agentId())
        .containsExactly("a1");
  }

  /**
   * An agent that registered, started and crashed before the watch could read its nodes: the agent
   * node arrives already holding the crash (an exit after its own creation), and the live node only
   * as a removal whose data is unknown. The crash is this registration's, not one it was created
   * with: CRASHED, with the supervisor's record, not SESSION_LOST.
   */
  @Test
  void aCrashRecordedBeforeTheWatchReadTheNewAgentNodeIsStillTheRemovalsCrash() {
    NodeData crashedAtOnce =
        new NodeData(
            new AgentNode(
                    "h1",
                    "ingest",
                    Map.of(),
                    T0,
                    1,
                    new ExitRecord(3, null, T0.plusMillis(5), "config broken"))
                .toBytes(),
            1,
            2,
            T0.toEpochMilli());
    assertThat(reasonsWhenFirstSeenWithAnUnreadRemoval(crashedAtOnce)).containsExactly("CRASHED");
  }

  /**
   * A node created with a crash from before its creation (written anew) keeps it as its baseline.
   */
  @Test
  void aCrashFromBeforeTheAgentNodesCreationIsNotTheRemovalsCrash() {
    NodeData createdWithOldCrash = new NodeData(agentNode(1).toBytes(), 1, 1, T0.toEpochMilli());
    assertThat(reasonsWhenFirstSeenWithAnUnreadRemoval(createdWithOldCrash))
        .containsExactly("SESSION_LOST");
  }

  /**
   * The reasons of the alerts sent when the agent node {@code agent} is first seen as created, and
   * its live node only as a removal whose data is unknown (it went before it could be read).
   */
  private static List<String> reasonsWhenFirstSeenWithAnUnreadRemoval(NodeData agent) {
    Script script = new Script(NO_GRACE);
    script.feed(List.of(snapshot(0, Map.of(), Map.of())));
    script.feed(List.of(agentCreated(10, agent), liveDeleted(20, null)));
    return script.answerOldestRead(AgentNodeAnswer.present(agent)).stream()
        .filter(SendTransition.class::isInstance)
        .map(effect -> ((SendTransition) effect).alert().annotation("reason"))
        .toList();
  }

  @Test
  void lifecycleEventsAndAlertsCarryTheClocksTime() {
    Script script = new Script(NO_GRACE);
    script.feed(REMOVAL_BEING_READ.steps());
    script.clock.advance(Duration.ofMillis(1500));
    List<Effect> effects = script.answerOldestRead(AgentNodeAnswer.present(agent(1)));

    assertThat(effects)
        .filteredOn(PublishEvent.class::isInstance)
        .extracting(effect -> ((PublishEvent) effect).event().at())
        .containsExactly(T0.plusMillis(2500));
    assertThat(effects)
        .filteredOn(SendTransition.class::isInstance)
        .extracting(effect -> ((SendTransition) effect).alert().startsAt())
        .containsExactly(T0.plusMillis(2500));
  }

  // ---- running a script --------------------------------------------------------------------

  /** A classifier, its clock, and the reads it asked for that are not answered yet. */
  static final class Script {
    final MutableClock clock = new MutableClock(T0);
    final Classifier classifier;
    private final List<ReadAgentNode> reads = new ArrayList<>();

    Script(ClassifierConfig config) {
      classifier = new Classifier(config, new AgentAlerts(""), clock);
    }

    /** Feeds {@code steps} at their times; returns what the classifier answered, as lines. */
    List<String> feed(List<Step> steps) {
      List<String> lines = new ArrayList<>();
      for (Step step : steps) {
        Instant at = T0.plusMillis(step.atMs());
        assertThat(at).as("steps in time order").isAfterOrEqualTo(clock.instant());
        clock.advance(Duration.between(clock.instant(), at));
        for (Effect effect : step.feed().apply(this)) {
          if (effect instanceof ReadAgentNode read) {
            reads.add(read);
          }
          lines.add(line(effect));
        }
      }
      return lines;
    }

    List<Effect> answerOldestRead(AgentNodeAnswer answer) {
      for (Iterator<ReadAgentNode> it = reads.iterator(); it.hasNext(); ) {
        ReadAgentNode read = it.next();
        if (read.agentId().equals("a1")) {
          it.remove();
          return classifier.agentNodeRead(read, answer);
        }
      }
      throw new AssertionError("no read of a1 is waiting for an answer");
    }

    /** The agent's nodes and alert states, as a short line; "forgotten" when nothing is held. */
    String state(String agentId) {
      AgentView view = classifier.viewOf(agentId);
      String unknown = classifier.verdictUnknown(agentId) ? " verdict=UNKNOWN" : "";
      if (view == null) {
        return "forgotten" + unknown;
      }
      return (view.registered() ? "registered" : "unregistered")
          + (view.running() ? " live " : " no-live ")
          + view.down()
          + (view.stuck() == StuckState.FIRING ? " stuck=FIRING" : "")
          + unknown;
    }
  }

  private static String line(Effect effect) {
    if (effect instanceof SendTransition send) {
      Alert alert = send.alert();
      String head = alert.status().wire() + " " + alert.alertname() + " " + alert.agent();
      return alert.firing()
          ? head
              + " reason="
              + alert.annotation("reason")
              + " since="
              + since(alert)
              + garbled(alert)
          : head + " resolution=" + alert.annotation("resolution");
    }
    if (effect instanceof SendReconciliation send) {
      Reconciliation reconciliation = send.reconciliation();
      return "reconciled firing="
          + reconciliation.firing().stream()
              .map(
                  alert ->
                      alert.alertname()
                          + " "
                          + alert.agent()
                          + " "
                          + alert.annotation("reason")
                          + " since="
                          + since(alert)
                          + garbled(alert))
              .sorted()
              .toList()
          + " running="
          + reconciliation.running().stream().sorted().toList();
    }
    if (effect instanceof PublishEvent publish) {
      return "event " + publish.event().type() + " " + publish.event().agentId();
    }
    if (effect instanceof ReadAgentNode read) {
      return "read " + read.agentId();
    }
    throw new IllegalArgumentException(effect.toString());
  }

  /** The alert's start relative to T0, in seconds: {@code +1s}, {@code -10s}. */
  private static String since(Alert alert) {
    long seconds = Duration.between(T0, alert.startsAt()).toSeconds();
    return (seconds >= 0 ? "+" : "") + seconds + "s";
  }

  private static String garbled(Alert alert) {
    return alert.annotation("nodeDataError") != null ? " garbled" : "";
  }
}
