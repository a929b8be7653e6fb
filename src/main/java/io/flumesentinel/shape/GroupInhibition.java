package io.flumesentinel.shape;

import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.config.GroupDegradedConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reason;
import io.flumesentinel.event.Reconciliation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group roll-up. An agent is <em>unhealthy</em> while one of its {@link #COUNTED} alerts fires
 * (down, stuck, flapping). When fewer than {@code healthyBelow} of the registered agents of a group
 * of at least {@code minAgents} are healthy, one {@value #GROUP_DEGRADED} alert fires for the
 * group, and the notices of its agents that were not sent yet are held back while it fires, and
 * listed in it.
 *
 * <p>So that a storm is caught from its first agent, a notice of an agent of a group of at least
 * {@code minAgents} waits {@code holdFor} before it is sent: if the group degrades meanwhile, only
 * the group alert goes out. Notices sent before the group degraded stay as they are (they are true,
 * and resolve when their agent is back). The group alert's list is updated at most once per {@code
 * holdFor} (at least a second), so a storm of thousands makes one firing notice and few updates;
 * every input costs a few map operations, but for the group alert's firing, update and resolution,
 * which walk the group's unhealthy agents once.
 *
 * <p>When the healthy share is back at or above {@code healthyBelow} (or the group has fewer than
 * {@code minAgents} agents), the group alert resolves, naming the agents still unhealthy in {@code
 * stillDown}; their notices wait {@code holdFor} again and are sent then, with the time each went
 * down, unless they are back by then (a group restored agent by agent makes no notice per agent).
 *
 * <p>Groups are counted from the agent nodes ({@link #registrations}, {@link #registration}): an
 * agent counts in the group its node names. The state is in memory: a monitor that starts (or takes
 * over) passes the alerts of its reconciliation on as they are, and fires the alert of each group
 * degraded then.
 */
public final class GroupInhibition implements AlertStage {

  /** The alert name of "too few agents of this group are healthy". */
  public static final String GROUP_DEGRADED = "FlumeGroupDegraded";

  /** The alerts that make an agent unhealthy, and that a degraded group holds back. */
  public static final Set<String> COUNTED =
      Set.of(AgentAlerts.AGENT_DOWN, AgentAlerts.AGENT_STUCK, Flapping.AGENT_FLAPPING);

  /** The most agent ids a list of the group alert names; the rest are counted. */
  static final int LISTED = 50;

  /** The most characters the ids of a list take (the ledger keeps 4,096 of an annotation). */
  static final int LISTED_CHARS = 2048;

  private static final Duration LEAST_UPDATE_INTERVAL = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(GroupInhibition.class);

  private final GroupDegradedConfig config;
  private final Clock clock;
  private final Duration updateInterval;
  private final Map<String, Agent> agents = new HashMap<>();
  private final Map<String, Group> groups = new HashMap<>();

  /** Notices waiting for their hold to end, in the order it ends (the hold is one length). */
  private final ArrayDeque<Wake> waiting = new ArrayDeque<>();

  /** The degraded groups whose changed list is due to be sent, the only ones with a deadline. */
  private final Map<String, Group> updatesDue = new HashMap<>();

  private String generatorUrl = "";

  /** Where one agent's notice stands. */
  enum State {
    /** Held for {@code holdFor}, in case its group degrades meanwhile. */
    WAITING,
    /** Passed on: the ledger has it firing. */
    SENT,
    /** Held back because its group's alert fires. */
    INHIBITED,
    /** Resolved or replaced: nothing more to do. */
    ENDED
  }

  /** One firing alert of an agent, as last seen, and where it stands. */
  private static final class Notice {
    Alert alert;
    State state;

    /** When the hold ends, while {@link State#WAITING}. */
    Instant due;

    Notice(Alert alert) {
      this.alert = alert;
    }
  }

  /** A hold's end as set; superseded when the notice moved on. */
  private record Wake(Notice notice, Instant due) {}

  private static final class Agent {
    final String id;

    /** The group its node names; {@code null} while not registered. */
    Group group;

    /** Its firing {@link #COUNTED} alerts, by alert name. */
    final Map<String, Notice> firing = new HashMap<>(4);

    Agent(String id) {
      this.id = id;
    }

    boolean unhealthy() {
      return !firing.isEmpty();
    }
  }

  private static final class Group {
    final String name;
    int members;

    /** The members with a firing counted alert, by id (sorted for the lists). */
    final SortedMap<String, Agent> unhealthy = new TreeMap<>();

    /** The firing group alert as last sent; {@code null} while the group is not degraded. */
    Alert alert;

    Instant lastSent;

    /** When the changed list is due to be sent (then it is in {@link #updatesDue}), or null. */
    Instant updateDue;

    Group(String name) {
      this.name = name;
    }

    int healthy() {
      return members - unhealthy.size();
    }
  }

  public GroupInhibition(GroupDegradedConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.updateInterval =
        config.holdFor().compareTo(LEAST_UPDATE_INTERVAL) < 0
            ? LEAST_UPDATE_INTERVAL
            : config.holdFor();
  }

  @Override
  public boolean followsRegistrations() {
    return config.enabled();
  }

  @Override
  public List<Alert> registrations(Map<String, String> groupByAgent) {
    if (!config.enabled()) {
      return List.of();
    }
    List<Alert> out = new ArrayList<>();
    for (String id : List.copyOf(agents.keySet())) {
      if (!groupByAgent.containsKey(id)) {
        out.addAll(registration(id, null));
      }
    }
    groupByAgent.forEach((id, group) -> out.addAll(registration(id, group)));
    return out;
  }

  @Override
  public List<Alert> registration(String agentId, String groupName) {
    if (!config.enabled()) {
      return List.of();
    }
    Agent agent = agents.computeIfAbsent(agentId, Agent::new);
    Group from = agent.group;
    if (from != null && from.name.equals(groupName)) {
      return List.of();
    }
    Instant now = clock.instant();
    List<Alert> out = new ArrayList<>();
    if (from != null) {
      from.members--;
      from.unhealthy.remove(agentId);
      agent.group = null;
      evaluate(from, now, out);
    }
    if (groupName != null) {
      Group to = groups.computeIfAbsent(groupName, Group::new);
      agent.group = to;
      to.members++;
      if (agent.unhealthy()) {
        to.unhealthy.put(agentId, agent);
        if (to.alert != null) {
          holdBack(agent);
        } else {
          release(agent, now, out);
        }
      }
      evaluate(to, now, out);
    }
    forgetIfIdle(agent);
    return out;
  }

  @Override
  public List<Alert> apply(Alert transition) {
    if (!config.enabled() || !COUNTED.contains(transition.alertname())) {
      return List.of(transition);
    }
    generatorUrl = transition.generatorUrl();
    Instant now = clock.instant();
    List<Alert> out = new ArrayList<>(2);
    if (transition.firing()) {
      fired(transition, now, out);
    } else {
      resolved(transition, now, out);
    }
    return out;
  }

  private void fired(Alert alert, Instant now, List<Alert> out) {
    Agent agent = agents.computeIfAbsent(alert.agent(), Agent::new);
    Notice notice = agent.firing.get(alert.alertname());
    if (notice != null) {
      // The same incident again (a refined reason): sent if its first form was.
      notice.alert = alert;
      if (notice.state == State.SENT) {
        out.add(alert);
      }
      return;
    }
    boolean wasHealthy = !agent.unhealthy();
    notice = new Notice(alert);
    agent.firing.put(alert.alertname(), notice);
    Group group = agent.group;
    if (group != null && group.alert != null) {
      group.unhealthy.put(agent.id, agent);
      inhibit(notice, group);
      changed(group, now);
      return;
    }
    // Undecided until the group's counts say whether this notice tips it over.
    notice.state = State.WAITING;
    if (group != null && wasHealthy) {
      group.unhealthy.put(agent.id, agent);
      evaluate(group, now, out);
    }
    if (notice.state == State.WAITING) {
      holdOrSend(notice, group, now, out);
    }
  }

  private void resolved(Alert alert, Instant now, List<Alert> out) {
    Agent agent = agents.get(alert.agent());
    Notice notice = agent == null ? null : agent.firing.remove(alert.alertname());
    if (notice == null || notice.state == State.SENT) {
      out.add(alert);
    } else {
      log.debug(
          "Alert resolved while held back: {} agent={} ({})",
          alert.alertname(),
          alert.agent(),
          alert.annotation("resolution"));
    }
    if (notice == null) {
      return;
    }
    notice.state = State.ENDED;
    Group group = agent.group;
    if (group != null && !agent.unhealthy()) {
      group.unhealthy.remove(agent.id);
      evaluate(group, now, out);
    } else if (group != null && group.alert != null) {
      changed(group, now);
    }
    forgetIfIdle(agent);
  }

  /** Whether an agent of {@code group} has its notices held before they are sent. */
  private boolean rolledUp(Group group) {
    return group != null && group.members >= config.minAgents() && !config.holdFor().isZero();
  }

  private boolean degraded(Group group) {
    return group.members >= config.minAgents()
        && (double) group.healthy() / group.members < config.healthyBelow();
  }

  /** Fires, resolves or updates the group alert after the group's counts changed. */
  private void evaluate(Group group, Instant now, List<Alert> out) {
    boolean degraded = degraded(group);
    if (degraded && group.alert == null) {
      for (Agent agent : group.unhealthy.values()) {
        holdBack(agent);
      }
      group.alert = groupAlert(group, now);
      group.lastSent = now;
      log.info(
          "Group {}: {} of {} agents healthy, below {}: {} fires, {} notices held back",
          group.name,
          group.healthy(),
          group.members,
          percent(config.healthyBelow()),
          GROUP_DEGRADED,
          group.alert.annotation("inhibitedCount"));
      out.add(group.alert);
    } else if (!degraded && group.alert != null) {
      List<String> still = List.copyOf(group.unhealthy.keySet());
      out.add(
          group.alert.resolve(
              now,
              Map.of(
                  "resolution",
                  Reason.RECOVERED.name(),
                  "healthy",
                  Integer.toString(group.healthy()),
                  "total",
                  Integer.toString(group.members),
                  "stillDown",
                  listed(still))));
      log.info(
          "Group {}: {} of {} agents healthy: {} resolves; {} agents still unhealthy are reported"
              + " on their own unless back within {}",
          group.name,
          group.healthy(),
          group.members,
          GROUP_DEGRADED,
          still.size(),
          Flapping.human(config.holdFor()));
      group.alert = null;
      group.updateDue = null;
      updatesDue.remove(group.name);
      for (Agent agent : group.unhealthy.values()) {
        release(agent, now, out);
      }
    } else if (degraded) {
      changed(group, now);
    }
    if (group.members == 0 && group.unhealthy.isEmpty() && group.alert == null) {
      groups.remove(group.name);
    }
  }

  /** The agent's waiting notices are held back by its group's alert. */
  private void holdBack(Agent agent) {
    for (Notice notice : agent.firing.values()) {
      if (notice.state == State.WAITING) {
        inhibit(notice, agent.group);
      }
    }
  }

  private void inhibit(Notice notice, Group group) {
    notice.state = State.INHIBITED;
    notice.due = null;
    log.debug(
        "Alert inhibited by {} group={}: {} agent={}",
        GROUP_DEGRADED,
        group.name,
        notice.alert.alertname(),
        notice.alert.agent());
  }

  /** The agent's notices held back by a group alert wait again, then go out if still firing. */
  private void release(Agent agent, Instant now, List<Alert> out) {
    for (Notice notice : agent.firing.values()) {
      if (notice.state == State.INHIBITED) {
        holdOrSend(notice, agent.group, now, out);
      }
    }
  }

  /** The notice waits for {@code holdFor} when its group is rolled up, and goes out now if not. */
  private void holdOrSend(Notice notice, Group group, Instant now, List<Alert> out) {
    if (rolledUp(group)) {
      notice.state = State.WAITING;
      notice.due = now.plus(config.holdFor());
      waiting.addLast(new Wake(notice, notice.due));
    } else {
      send(notice, out);
    }
  }

  private static void send(Notice notice, List<Alert> out) {
    notice.state = State.SENT;
    notice.due = null;
    out.add(notice.alert);
  }

  /** The list of a firing group alert changed: send it again, not too often. */
  private void changed(Group group, Instant now) {
    if (group.updateDue == null) {
      Instant earliest = group.lastSent.plus(updateInterval);
      group.updateDue = earliest.isAfter(now) ? earliest : now;
      updatesDue.put(group.name, group);
    }
  }

  private void forgetIfIdle(Agent agent) {
    if (agent.group == null && !agent.unhealthy()) {
      agents.remove(agent.id);
    }
  }

  @Override
  public List<Alert> expire() {
    Instant now = clock.instant();
    List<Alert> out = new ArrayList<>();
    while (!waiting.isEmpty() && !waiting.peekFirst().due().isAfter(now)) {
      Wake wake = waiting.pollFirst();
      if (wake.notice().state == State.WAITING && wake.due().equals(wake.notice().due)) {
        send(wake.notice(), out);
      }
    }
    for (Iterator<Group> due = updatesDue.values().iterator(); due.hasNext(); ) {
      Group group = due.next();
      if (!now.isBefore(group.updateDue)) {
        group.updateDue = null;
        due.remove();
        Alert updated = groupAlert(group, group.alert.startsAt());
        if (!updated.equals(group.alert)) {
          group.alert = updated;
          group.lastSent = now;
          log.info(
              "Group {}: {} of {} agents healthy, {} still fires, {} notices held back",
              group.name,
              group.healthy(),
              group.members,
              GROUP_DEGRADED,
              updated.annotation("inhibitedCount"));
          out.add(updated);
        }
      }
    }
    return out;
  }

  @Override
  public Instant nextDeadline() {
    while (!waiting.isEmpty() && superseded(waiting.peekFirst())) {
      waiting.pollFirst();
    }
    Instant next = waiting.isEmpty() ? null : waiting.peekFirst().due();
    for (Group group : updatesDue.values()) {
      if (next == null || group.updateDue.isBefore(next)) {
        next = group.updateDue;
      }
    }
    return next;
  }

  private static boolean superseded(Wake wake) {
    return wake.notice().state != State.WAITING || !wake.due().equals(wake.notice().due);
  }

  /**
   * The start-up state: its alerts are passed on as they are (the ledger may have sent them before
   * a restart) and make their agents unhealthy; the alert of each group degraded now is added.
   */
  @Override
  public Reconciliation reconcile(Reconciliation reconciliation) {
    if (!config.enabled()) {
      return reconciliation;
    }
    Set<String> firingKeys = new HashSet<>();
    for (Alert alert : reconciliation.firing()) {
      if (!COUNTED.contains(alert.alertname())) {
        continue;
      }
      firingKeys.add(alert.key());
      generatorUrl = alert.generatorUrl();
      Agent agent = agents.computeIfAbsent(alert.agent(), Agent::new);
      Notice notice = agent.firing.computeIfAbsent(alert.alertname(), name -> new Notice(alert));
      notice.alert = alert;
      notice.state = State.SENT;
      notice.due = null;
      if (agent.group != null) {
        agent.group.unhealthy.put(agent.id, agent);
      }
    }
    for (Agent agent : List.copyOf(agents.values())) {
      for (Iterator<Notice> notices = agent.firing.values().iterator(); notices.hasNext(); ) {
        Notice notice = notices.next();
        if (!firingKeys.contains(notice.alert.key())) {
          notice.state = State.ENDED;
          notices.remove();
        }
      }
      if (agent.group != null && !agent.unhealthy()) {
        agent.group.unhealthy.remove(agent.id);
      }
      forgetIfIdle(agent);
    }
    List<Alert> firing = new ArrayList<>(reconciliation.firing());
    Instant now = clock.instant();
    for (Group group : groups.values()) {
      if (group.alert == null && degraded(group)) {
        group.alert = groupAlert(group, now);
        group.lastSent = now;
        log.info(
            "Group {}: {} of {} agents healthy at start-up, below {}: {} fires",
            group.name,
            group.healthy(),
            group.members,
            percent(config.healthyBelow()),
            GROUP_DEGRADED);
      }
      if (group.alert != null) {
        firing.add(group.alert);
      }
    }
    return new Reconciliation(firing, reconciliation.running());
  }

  /** The group alert: how many agents are healthy, who is not, and whose notices are held. */
  private Alert groupAlert(Group group, Instant startsAt) {
    SortedMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, GROUP_DEGRADED);
    // Every alert carries an agent label (the ledger keys alerts by name and agent, and names a
    // znode after it); this one stands for all agents of the group, and no agent id contains '*'.
    labels.put(Alert.AGENT, agentLabel(group.name));
    labels.put("group", group.name);
    labels.put("severity", "critical");
    List<String> inhibited = new ArrayList<>();
    for (Agent agent : group.unhealthy.values()) {
      if (agent.firing.values().stream().anyMatch(n -> n.state == State.INHIBITED)) {
        inhibited.add(agent.id);
      }
    }
    String threshold = percent(config.healthyBelow());
    SortedMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", "GROUP_DEGRADED");
    annotations.put(
        "summary",
        String.format(
            Locale.ROOT,
            "Group %s is degraded: %d of %d Flume agents healthy (below %s)",
            group.name,
            group.healthy(),
            group.members,
            threshold));
    annotations.put(
        "description",
        "Fewer than "
            + threshold
            + " of the registered agents of this group are healthy (not down, stuck or flapping)."
            + " The notices of the agents listed in 'inhibited' are held back while this alert"
            + " fires; those still unhealthy when it resolves are sent "
            + Flapping.human(config.holdFor())
            + " later unless back by then.");
    annotations.put("healthy", Integer.toString(group.healthy()));
    annotations.put("total", Integer.toString(group.members));
    annotations.put("healthyBelow", threshold);
    annotations.put("agents", listed(group.unhealthy.keySet()));
    annotations.put("agentCount", Integer.toString(group.unhealthy.size()));
    annotations.put("inhibited", listed(inhibited));
    annotations.put("inhibitedCount", Integer.toString(inhibited.size()));
    return new Alert(Alert.Status.FIRING, labels, annotations, startsAt, null, generatorUrl);
  }

  /**
   * {@code *:<group>}: the characters ZooKeeper refuses in a node name (the ledger's record is
   * named after the label) become {@code _}.
   */
  static String agentLabel(String group) {
    StringBuilder label = new StringBuilder("*:");
    for (int i = 0; i < group.length(); i++) {
      char c = group.charAt(i);
      boolean refused =
          c == '/'
              || c < 0x20
              || (c >= 0x7f && c <= 0x9f)
              || (c >= 0xd800 && c <= 0xf8ff)
              || c >= 0xfff0;
      label.append(refused ? '_' : c);
    }
    return label.toString();
  }

  /**
   * At most {@link #LISTED} ids in {@link #LISTED_CHARS}, then how many more: "a1, a2 and 9 more".
   */
  static String listed(Collection<String> ids) {
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (String id : ids) {
      if (shown == LISTED || out.length() + id.length() + 2 > LISTED_CHARS) {
        break;
      }
      if (shown > 0) {
        out.append(", ");
      }
      out.append(id);
      shown++;
    }
    if (shown < ids.size()) {
      out.append(" and ").append(ids.size() - shown).append(" more");
    }
    return out.toString();
  }

  /** {@code 50%}, {@code 33.3%}: a share as operators read it. */
  static String percent(double share) {
    double value = share * 100;
    return (value == Math.rint(value)
            ? Long.toString(Math.round(value))
            : String.format(Locale.ROOT, "%.1f", value))
        + "%";
  }

  /** For tests: how many agents the stage keeps anything of. */
  int agentsKnown() {
    return agents.size();
  }
}
