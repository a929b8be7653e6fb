package io.flumesentinel.shape;

import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reason;
import io.flumesentinel.event.Reconciliation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host-level inhibition. When {@code minAgents} agents of one host go down within {@code window},
 * one {@value #HOST_DOWN} alert fires for the host, listing them, and the down alerts of that
 * host's agents that were not sent yet are held back while it fires. Each held alert is logged at
 * INFO as inhibited, and the host alert's {@code inhibited} annotation names them.
 *
 * <p>Down alerts sent before the host alert fired stay as they are (they are true, and resolve when
 * their agent is back). The list of agents in the host alert is updated at most once per {@code
 * window}, so a storm makes one firing notice and one update, not one notice per agent. The host
 * alert resolves when fewer than {@code minAgents} of its agents are down; the agents still down
 * then get their own alerts, with the time each went down.
 *
 * <p>The host is the {@code host} label; agents whose host is unknown are never grouped. Alerts
 * other than {@code FlumeAgentDown} pass unchanged. The state is in memory: a restarted monitor
 * reports each agent on its own until a new host-level storm.
 */
public final class HostInhibition implements AlertStage {

  /** The alert name of "many agents of this host are down". */
  public static final String HOST_DOWN = "FlumeHostDown";

  private static final Logger log = LoggerFactory.getLogger(HostInhibition.class);
  private static final String UNKNOWN_HOST = "unknown";

  private final HostDownConfig config;
  private final Clock clock;
  private final Map<String, Host> hosts = new HashMap<>();

  /**
   * The hosts whose changed list of agents is due to be sent, the only ones with a deadline: {@link
   * #nextDeadline()} is asked after every transition, and in a storm it must not walk every host.
   */
  private final Map<String, Host> pending = new HashMap<>();

  /** One agent's down alert, when it went down, and whether it was sent on. */
  private static final class Down {
    Alert alert;
    final Instant at;
    boolean sent;

    Down(Alert alert, Instant at) {
      this.alert = alert;
      this.at = at;
    }
  }

  private static final class Host {
    final String name;
    final Map<String, Down> down = new TreeMap<>();

    /** The firing host alert as last sent, or {@code null}. */
    Alert alert;

    Instant lastSent;

    /** When the changed list of agents is due to be sent (then it is pending), or {@code null}. */
    Instant updateDue;

    Host(String name) {
      this.name = name;
    }
  }

  public HostInhibition(HostDownConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public List<Alert> apply(Alert transition) {
    String hostName = transition.labels().get("host");
    if (!config.enabled()
        || !AgentAlerts.AGENT_DOWN.equals(transition.alertname())
        || hostName == null
        || hostName.isEmpty()
        || UNKNOWN_HOST.equals(hostName)) {
      return List.of(transition);
    }
    Instant now = clock.instant();
    Host host = hosts.computeIfAbsent(hostName, Host::new);
    List<Alert> out =
        transition.firing() ? fired(host, transition, now) : resolved(host, transition, now);
    if (host.alert == null && host.down.isEmpty()) {
      hosts.remove(hostName);
    }
    return out;
  }

  private List<Alert> fired(Host host, Alert alert, Instant now) {
    Down down = host.down.get(alert.agent());
    if (down == null) {
      down = new Down(alert, now);
      host.down.put(alert.agent(), down);
    } else {
      down.alert = alert;
    }
    if (down.sent) {
      return List.of(alert);
    }
    if (host.alert != null) {
      inhibited(alert, host);
      changed(host, now);
      return List.of();
    }
    Instant since = now.minus(config.window());
    long recent = host.down.values().stream().filter(d -> !d.at.isBefore(since)).count();
    if (recent < config.minAgents()) {
      down.sent = true;
      return List.of(alert);
    }
    Instant startsAt =
        host.down.values().stream()
            .map(d -> d.at)
            .filter(at -> !at.isBefore(since))
            .min(Instant::compareTo)
            .orElse(now);
    host.alert = hostAlert(alert.labels().get("host"), host, startsAt, alert.generatorUrl());
    host.lastSent = now;
    log.info(
        "Host {}: {} agents down within {}: {} fires",
        alert.labels().get("host"),
        recent,
        Flapping.human(config.window()),
        HOST_DOWN);
    inhibited(alert, host);
    return List.of(host.alert);
  }

  private List<Alert> resolved(Host host, Alert alert, Instant now) {
    Down down = host.down.remove(alert.agent());
    List<Alert> out = new ArrayList<>();
    if (down == null || down.sent) {
      out.add(alert);
    } else {
      log.info(
          "Alert resolved while inhibited by {} host={}: {} agent={} ({})",
          HOST_DOWN,
          alert.labels().get("host"),
          alert.alertname(),
          alert.agent(),
          alert.annotation("resolution"));
    }
    if (host.alert == null || down == null) {
      return out;
    }
    if (host.down.size() >= config.minAgents()) {
      changed(host, now);
      return out;
    }
    // Fewer than minAgents down: the host is no longer down as a whole; whoever is still down is
    // reported on its own below.
    out.add(
        host.alert.resolve(
            now,
            Map.of(
                "resolution",
                Reason.RECOVERED.name(),
                "stillDown",
                String.join(", ", host.down.keySet()))));
    host.alert = null;
    host.updateDue = null;
    pending.remove(host.name);
    for (Down held : host.down.values()) {
      if (!held.sent) {
        held.sent = true;
        out.add(held.alert);
      }
    }
    return out;
  }

  /** The list of agents changed while the host alert fires: send it again, not too often. */
  private void changed(Host host, Instant now) {
    if (host.updateDue == null) {
      Instant earliest = host.lastSent.plus(config.window());
      host.updateDue = earliest.isAfter(now) ? earliest : now;
      pending.put(host.name, host);
    }
  }

  private void inhibited(Alert alert, Host host) {
    log.info(
        "Alert inhibited by {} host={}: {} agent={} reason={}: {}",
        HOST_DOWN,
        alert.labels().get("host"),
        alert.alertname(),
        alert.agent(),
        alert.annotation("reason"),
        alert.annotation("summary"));
  }

  @Override
  public List<Alert> expire() {
    Instant now = clock.instant();
    List<Alert> out = new ArrayList<>();
    for (Iterator<Host> due = pending.values().iterator(); due.hasNext(); ) {
      Host host = due.next();
      if (!now.isBefore(host.updateDue)) {
        host.updateDue = null;
        due.remove();
        Alert updated =
            hostAlert(host.name, host, host.alert.startsAt(), host.alert.generatorUrl());
        if (!updated.equals(host.alert)) {
          host.alert = updated;
          host.lastSent = now;
          out.add(updated);
        }
      }
    }
    return out;
  }

  @Override
  public Instant nextDeadline() {
    Instant next = null;
    for (Host host : pending.values()) {
      if (next == null || host.updateDue.isBefore(next)) {
        next = host.updateDue;
      }
    }
    return next;
  }

  /**
   * Down alerts in the start-up state are passed on as they are (the ledger may have sent them
   * before a restart) and count as down; host alerts of this stage that fire are added.
   */
  @Override
  public Reconciliation reconcile(Reconciliation reconciliation) {
    if (!config.enabled()) {
      return reconciliation;
    }
    Map<String, Alert> downByAgent = new HashMap<>();
    for (Alert alert : reconciliation.firing()) {
      if (AgentAlerts.AGENT_DOWN.equals(alert.alertname())) {
        downByAgent.put(alert.agent(), alert);
      }
    }
    List<Alert> firing = new ArrayList<>();
    for (Alert alert : reconciliation.firing()) {
      String hostName = alert.labels().get("host");
      if (!downByAgent.containsKey(alert.agent())
          || !AgentAlerts.AGENT_DOWN.equals(alert.alertname())
          || hostName == null
          || UNKNOWN_HOST.equals(hostName)) {
        firing.add(alert);
        continue;
      }
      Host host = hosts.computeIfAbsent(hostName, Host::new);
      Down down = host.down.get(alert.agent());
      if (down == null) {
        down = new Down(alert, alert.startsAt());
        down.sent = host.alert == null;
        host.down.put(alert.agent(), down);
      }
      down.alert = alert;
      if (down.sent) {
        firing.add(alert);
      }
    }
    for (Host host : hosts.values()) {
      host.down.keySet().removeIf(agent -> !downByAgent.containsKey(agent));
      if (host.alert != null) {
        firing.add(host.alert);
      }
    }
    hosts.values().removeIf(host -> host.alert == null && host.down.isEmpty());
    return new Reconciliation(firing, reconciliation.running());
  }

  /** The host alert: who is down now, and whose alerts are held back. */
  private Alert hostAlert(String hostName, Host host, Instant startsAt, String generatorUrl) {
    SortedMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, HOST_DOWN);
    // Every alert carries an agent label (the ledger keys alerts by name and agent); this one
    // stands for all agents of the host, and no agent id can contain '*' or '@'.
    labels.put(Alert.AGENT, "*@" + hostName.replace('/', '_'));
    labels.put("host", hostName);
    labels.put("severity", "critical");
    List<String> groups =
        host.down.values().stream()
            .map(d -> d.alert.labels().getOrDefault("group", ""))
            .distinct()
            .toList();
    if (groups.size() == 1 && !groups.get(0).isEmpty()) {
      labels.put("group", groups.get(0));
    }
    String agents = String.join(", ", host.down.keySet());
    String held =
        host.down.entrySet().stream()
            .filter(e -> !e.getValue().sent)
            .map(Map.Entry::getKey)
            .collect(Collectors.joining(", "));
    SortedMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", "HOST_DOWN");
    annotations.put(
        "summary", host.down.size() + " Flume agents on " + hostName + " are down: " + agents);
    annotations.put(
        "description",
        "At least "
            + config.minAgents()
            + " agents of this host went down within "
            + Flapping.human(config.window())
            + ". The down alerts of the agents listed in 'inhibited' are held back while this"
            + " alert fires; those still down when it resolves are sent then.");
    annotations.put("agents", agents);
    annotations.put("agentCount", Integer.toString(host.down.size()));
    annotations.put("inhibited", held);
    return new Alert(Alert.Status.FIRING, labels, annotations, startsAt, null, generatorUrl);
  }
}
