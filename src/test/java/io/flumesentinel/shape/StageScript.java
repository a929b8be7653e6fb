package io.flumesentinel.shape;

import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.event.Alert;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A script of transitions fed to an {@link AlertStage} at given times, with the stage's answers
 * written as short lines such as {@code firing FlumeAgentDown a1} or {@code resolved
 * FlumeAgentFlapping a1 resolution=DOWN flapCount=4}.
 */
final class StageScript {

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  /**
   * One input: at {@code atMs} after {@link #T0}; {@code host} is the group of a {@code register}
   * step.
   */
  record Step(long atMs, String kind, String agent, String host) {
    @Override
    public String toString() {
      return "+" + atMs + "ms " + kind + (agent == null ? "" : " " + agent);
    }
  }

  static Step down(long atMs, String agent) {
    return new Step(atMs, "down", agent, "h1");
  }

  static Step down(long atMs, String agent, String host) {
    return new Step(atMs, "down", agent, host);
  }

  /** The same incident again, with another reason (a SESSION_LOST becoming CRASHED). */
  static Step again(long atMs, String agent) {
    return new Step(atMs, "again", agent, "h1");
  }

  static Step up(long atMs, String agent) {
    return new Step(atMs, "up", agent, null);
  }

  static Step stop(long atMs, String agent) {
    return new Step(atMs, "stop", agent, null);
  }

  static Step stuck(long atMs, String agent) {
    return new Step(atMs, "stuck", agent, "h1");
  }

  /** The agent's node names {@code group} (registered, or moved). */
  static Step register(long atMs, String agent, String group) {
    return new Step(atMs, "register", agent, group);
  }

  static Step deregister(long atMs, String agent) {
    return new Step(atMs, "register", agent, null);
  }

  static Step tick(long atMs) {
    return new Step(atMs, "tick", null, null);
  }

  /** A clock the script moves. */
  static final class ScriptClock extends Clock {
    Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final ScriptClock clock;
  private final AlertStage stage;
  private final Map<String, Alert> down = new HashMap<>();
  final List<Alert> sent = new ArrayList<>();

  StageScript(Function<Clock, AlertStage> stage) {
    this.clock = new ScriptClock();
    this.stage = stage.apply(clock);
  }

  /** Runs {@code steps}; returns the answers, one line per alert sent on, in order. */
  List<String> run(List<Step> steps) {
    List<String> out = new ArrayList<>();
    for (Step step : steps) {
      clock.now = T0.plusMillis(step.atMs());
      List<Alert> answer =
          switch (step.kind()) {
            case "tick" -> stage.expire();
            case "down" -> {
              Alert alert = downAlert(step.agent(), step.host(), clock.now, "SESSION_LOST");
              down.put(step.agent(), alert);
              yield stage.apply(alert);
            }
            case "again" -> {
              Alert first = down.get(step.agent());
              Alert alert =
                  downAlert(step.agent(), first.labels().get("host"), first.startsAt(), "CRASHED");
              down.put(step.agent(), alert);
              yield stage.apply(alert);
            }
            case "up", "stop" -> {
              Alert firing = down.remove(step.agent());
              String how = step.kind().equals("up") ? "RECOVERED" : "STOPPED";
              yield stage.apply(firing.resolve(clock.now, Map.of("resolution", how)));
            }
            case "stuck" -> stage.apply(stuckAlert(step.agent(), step.host()));
            case "register" -> stage.registration(step.agent(), step.host());
            default -> throw new IllegalArgumentException(step.kind());
          };
      sent.addAll(answer);
      answer.forEach(alert -> out.add(line(alert)));
    }
    return out;
  }

  Instant now() {
    return clock.now;
  }

  static String line(Alert alert) {
    StringBuilder line =
        new StringBuilder(alert.status().wire())
            .append(' ')
            .append(alert.alertname())
            .append(' ')
            .append(alert.agent());
    for (String annotation :
        List.of(
            "resolution", "flapCount", "agents", "inhibited", "stillDown", "healthy", "total")) {
      String value = alert.annotation(annotation);
      if (value != null) {
        line.append(' ').append(annotation).append('=').append(value.replace(", ", ","));
      }
    }
    return line.toString();
  }

  static Alert downAlert(String agent, String host, Instant startsAt, String reason) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, AgentAlerts.AGENT_DOWN);
    labels.put(Alert.AGENT, agent);
    labels.put("host", host);
    labels.put("group", "ingest");
    labels.put("severity", "critical");
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", reason);
    annotations.put("summary", "Flume agent " + agent + " on " + host + " " + reason);
    return new Alert(Alert.Status.FIRING, labels, annotations, startsAt, null, "");
  }

  static Alert stuckAlert(String agent, String host) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, AgentAlerts.AGENT_STUCK);
    labels.put(Alert.AGENT, agent);
    labels.put("host", host);
    return new Alert(Alert.Status.FIRING, labels, new TreeMap<>(), T0, null, "");
  }
}
