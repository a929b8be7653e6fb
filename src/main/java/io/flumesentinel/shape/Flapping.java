package io.flumesentinel.shape;

import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reason;
import io.flumesentinel.event.Reconciliation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flap detection. An agent whose {@code FlumeAgentDown} alert starts more than {@code maxDowns}
 * times within {@code window} is <em>flapping</em>: one {@value #AGENT_FLAPPING} alert fires, with
 * the count, and the agent's own down and recovery transitions are held back while it fires.
 *
 * <p>Flapping ends when the agent has neither gone down nor come back for {@code stableFor}: the
 * flapping alert resolves ({@code resolution} {@code RECOVERED} when the agent runs, {@code DOWN}
 * when it does not) and, when it is down, its down alert fires then, with the time it went down, so
 * an agent that flaps and then stays down is reported at most {@code stableFor} later. A deliberate
 * stop ({@code resolution} {@code STOPPED}) ends flapping at once.
 *
 * <p>Guarantees: a down alert that was passed on is always resolved (a down alert already out when
 * flapping starts is resolved with {@code resolution} {@code FLAPPING}); a transition is never held
 * back for longer than the flapping lasts. Other alerts pass unchanged. The history is in memory: a
 * restarted monitor starts counting again, and the ledger resolves a flapping alert on record.
 */
public final class Flapping implements AlertStage {

  /** The alert name of "this agent keeps going down and coming back". */
  public static final String AGENT_FLAPPING = "FlumeAgentFlapping";

  private static final Logger log = LoggerFactory.getLogger(Flapping.class);

  private final FlappingConfig config;
  private final Clock clock;
  private final Map<String, Agent> agents = new HashMap<>();

  /**
   * The agents that are flapping now, the only ones with a deadline: {@link #nextDeadline()} is
   * asked after every transition, and in a storm of thousands of downs it must not walk them all.
   */
  private final Set<Agent> flapping = new HashSet<>();

  /** What is known of one agent's recent downs. */
  private static final class Agent {
    /** When each counted down started (by the clock), oldest first. */
    final Deque<Instant> downs = new ArrayDeque<>();

    /** Its down alert while it is down, in its latest form; {@code null} while it runs. */
    Alert down;

    /** Whether {@link #down} was passed on (the ledger has it firing). */
    boolean downSent;

    /** The firing flapping alert, or {@code null} when not flapping. */
    Alert flapping;

    /** The downs counted since flapping started (the firing's count included). */
    int flapDowns;

    /** The last time it went down or came back. */
    Instant lastChange;
  }

  public Flapping(FlappingConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public List<Alert> apply(Alert transition) {
    if (!AgentAlerts.AGENT_DOWN.equals(transition.alertname())) {
      return List.of(transition);
    }
    Instant now = clock.instant();
    Agent agent = agents.computeIfAbsent(transition.agent(), id -> new Agent());
    List<Alert> out = new ArrayList<>(2);
    if (transition.firing()) {
      fired(agent, transition, now, out);
    } else {
      resolved(agent, transition, now, out);
    }
    forgetIfQuiet(transition.agent(), agent, now);
    return out;
  }

  private void fired(Agent agent, Alert down, Instant now, List<Alert> out) {
    boolean newIncident = agent.down == null || !agent.down.startsAt().equals(down.startsAt());
    Alert sent = agent.downSent ? agent.down : null;
    agent.down = down;
    if (newIncident) {
      agent.downs.addLast(now);
      agent.lastChange = now;
      prune(agent, now);
      if (agent.flapping != null) {
        agent.flapDowns++;
      }
    }
    if (agent.flapping != null) {
      log.debug("Agent {} is flapping: holding back its down alert", down.agent());
      return;
    }
    if (newIncident && config.enabled() && agent.downs.size() > config.maxDowns()) {
      if (sent != null) {
        // Out before this down was counted: it must not be left firing behind the flapping alert.
        out.add(sent.resolve(now, Map.of("resolution", "FLAPPING")));
      }
      startFlapping(agent, down, now, out);
      return;
    }
    agent.downSent = true;
    out.add(down);
  }

  private void resolved(Agent agent, Alert resolved, Instant now, List<Alert> out) {
    boolean wasDown = agent.down != null;
    boolean sent = agent.downSent;
    agent.down = null;
    agent.downSent = false;
    if (wasDown) {
      agent.lastChange = now;
    }
    if (agent.flapping == null) {
      if (sent || !wasDown) {
        out.add(resolved);
      }
      return;
    }
    if (Reason.STOPPED.name().equals(resolved.annotation("resolution"))) {
      out.add(endFlapping(agent, Reason.STOPPED, now));
    }
  }

  private void startFlapping(Agent agent, Alert down, Instant now, List<Alert> out) {
    agent.flapDowns = agent.downs.size();
    agent.flapping = flappingAlert(down, agent.flapDowns, agent.downs.peekFirst());
    flapping.add(agent);
    agent.downSent = false;
    log.info(
        "Agent {} is flapping: down {} times within {}; its down alerts are held back until it is"
            + " stable for {}",
        down.agent(),
        agent.flapDowns,
        human(config.window()),
        human(config.stableFor()));
    out.add(agent.flapping);
  }

  private Alert endFlapping(Agent agent, Reason how, Instant now) {
    Alert resolved =
        agent.flapping.resolve(
            now, Map.of("resolution", how.name(), "flapCount", Integer.toString(agent.flapDowns)));
    agent.flapping = null;
    flapping.remove(agent);
    agent.flapDowns = 0;
    agent.downs.clear();
    return resolved;
  }

  @Override
  public List<Alert> expire() {
    Instant now = clock.instant();
    List<Alert> out = new ArrayList<>();
    for (var it = agents.entrySet().iterator(); it.hasNext(); ) {
      Agent agent = it.next().getValue();
      if (agent.flapping != null && !now.isBefore(agent.lastChange.plus(config.stableFor()))) {
        boolean down = agent.down != null;
        out.add(endFlapping(agent, down ? Reason.DOWN : Reason.RECOVERED, now));
        if (down) {
          log.info(
              "Agent {} stopped flapping and is down: its down alert fires", agent.down.agent());
          agent.downSent = true;
          out.add(agent.down);
        }
      }
      prune(agent, now);
      if (agent.flapping == null && agent.down == null && agent.downs.isEmpty()) {
        it.remove();
      }
    }
    return out;
  }

  @Override
  public Instant nextDeadline() {
    Instant next = null;
    for (Agent agent : flapping) {
      Instant due = agent.lastChange.plus(config.stableFor());
      if (next == null || due.isBefore(next)) {
        next = due;
      }
    }
    return next;
  }

  @Override
  public Reconciliation reconcile(Reconciliation reconciliation) {
    List<Alert> firing = new ArrayList<>();
    Set<String> down = new HashSet<>();
    for (Alert alert : reconciliation.firing()) {
      if (!AgentAlerts.AGENT_DOWN.equals(alert.alertname())) {
        firing.add(alert);
        continue;
      }
      down.add(alert.agent());
      Agent agent = agents.computeIfAbsent(alert.agent(), id -> new Agent());
      agent.down = alert;
      agent.downSent = agent.flapping == null;
      if (agent.downSent) {
        firing.add(alert);
      }
    }
    for (var entry : agents.entrySet()) {
      if (!down.contains(entry.getKey())) {
        entry.getValue().down = null;
        entry.getValue().downSent = false;
      }
      if (entry.getValue().flapping != null) {
        firing.add(entry.getValue().flapping);
      }
    }
    return new Reconciliation(firing, reconciliation.running());
  }

  private void prune(Agent agent, Instant now) {
    Instant oldest = now.minus(config.window());
    while (!agent.downs.isEmpty() && agent.downs.peekFirst().isBefore(oldest)) {
      agent.downs.removeFirst();
    }
  }

  private void forgetIfQuiet(String id, Agent agent, Instant now) {
    prune(agent, now);
    if (agent.flapping == null && agent.down == null && agent.downs.isEmpty()) {
      agents.remove(id);
    }
  }

  /** The flapping alert: the down alert's labels under another name, and what happened. */
  private Alert flappingAlert(Alert down, int count, Instant since) {
    SortedMap<String, String> labels = new TreeMap<>(down.labels());
    labels.put(Alert.ALERTNAME, AGENT_FLAPPING);
    String host = down.labels().getOrDefault("host", "unknown");
    SortedMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", "FLAPPING");
    annotations.put(
        "summary",
        "Flume agent "
            + down.agent()
            + " on "
            + host
            + " is flapping: down "
            + count
            + " times within "
            + human(config.window()));
    annotations.put(
        "description",
        "The agent keeps going down and coming back. Its own down and recovery notices are held"
            + " back until it has been stable for "
            + human(config.stableFor())
            + "; if it is down then, its FlumeAgentDown alert fires.");
    annotations.put("flapCount", Integer.toString(count));
    annotations.put("window", human(config.window()));
    annotations.put("firstDownAt", since.toString());
    if (down.annotation("summary") != null) {
      annotations.put("lastDown", down.annotation("summary"));
    }
    return new Alert(Alert.Status.FIRING, labels, annotations, since, null, down.generatorUrl());
  }

  /** {@code 10m}, {@code 30s}, {@code 1h30m}, {@code 1500ms}: as operators write durations. */
  static String human(Duration duration) {
    long ms = duration.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    StringBuilder out = new StringBuilder();
    if (s >= 3600) {
      out.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      out.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || out.isEmpty()) {
      out.append(s).append('s');
    }
    return out.toString();
  }
}
