package io.flumesentinel.alert;

import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.silence.Matcher;
import io.flumesentinel.silence.Silence;
import io.flumesentinel.silence.Silences;
import io.flumesentinel.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A script of inputs fed to a {@link Ledger} at given times, with what it answers written as short
 * lines: {@code notify a firing i1}, {@code publish resolved i1 resolution=RECOVERED endsAt=+60s},
 * {@code publish firing i1 silencedBy=s1}, {@code publish firing i1 reason=CRASHED} (for alerts
 * that give a reason), {@code write i1 a=firing@+1s b=firing}, {@code delete i1}, {@code remind by
 * +3601s} (times in seconds after {@link #T0}).
 *
 * <p>Receivers "a" and "b"; with {@link #ROUTES}, agents whose id starts with "i" are in group
 * ingest and go to "a" (repeat every hour) and "b" (every 4 hours), others only to "b". The
 * ledger's record changes are kept in a store that a {@link #restart} loads from, through the
 * stored bytes.
 */
final class LedgerScript {

  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  static final List<String> RECEIVERS = List.of("a", "b");

  /** Group ingest to "a" every hour and, through continue, everything to "b" every 4 hours. */
  static final Router ROUTES =
      Router.of(
          RouteConfig.root(
              List.of("b"),
              List.of(
                  new RouteConfig(
                      Map.of("group", "ingest"),
                      Map.of(),
                      List.of("a"),
                      true,
                      List.of(),
                      new GroupingConfig(List.of("host"), Duration.ZERO, Duration.ofHours(1))),
                  new RouteConfig(Map.of(), Map.of(), List.of("b"), false, List.of()))),
          RECEIVERS);

  /** Routes after a change: everything to "b" only. */
  static final Router ALL_TO_B = Router.of(RouteConfig.root(List.of("b"), List.of()), RECEIVERS);

  /** One input at {@code at} seconds after {@link #T0}. */
  record Step(long at, String text, Function<LedgerScript, LedgerEffects> input) {
    @Override
    public String toString() {
      return "+" + at + "s " + text;
    }
  }

  private final MutableClock clock = new MutableClock(T0);
  private final Map<String, Silence> silences = new LinkedHashMap<>();

  /** Alert key → the bytes the ledger wrote, as ZooKeeper would hold them. */
  private final Map<String, byte[]> store = new TreeMap<>();

  /** Agent → the firing alert of its current incident. */
  private final Map<String, Alert> incidents = new HashMap<>();

  /** "receiver agent" → the alert last handed to that receiver about that agent. */
  private final Map<String, Alert> handed = new HashMap<>();

  private Ledger ledger = new Ledger(RECEIVERS, ROUTES, this::silencedBy, clock);

  /** Runs {@code given}, then {@code when}; answers the lines of what {@code when} decided. */
  List<String> run(List<Step> given, Step when) {
    given.forEach(this::apply);
    return lines(apply(when));
  }

  private LedgerEffects apply(Step step) {
    clock.advance(Duration.between(clock.instant(), T0.plusSeconds(step.at())));
    LedgerEffects effects = step.input().apply(this);
    for (Dispatch dispatch : effects.notices()) {
      Alert alert = dispatch.notice().alert();
      handed.put(dispatch.receiver() + " " + alert.agent(), alert);
    }
    for (LedgerEffects.RecordChange change : effects.records()) {
      if (change instanceof LedgerEffects.RecordChange.Write write) {
        store.put(change.key(), write.record().toBytes());
      } else {
        store.remove(change.key());
      }
    }
    return effects;
  }

  private List<String> silencedBy(Map<String, String> labels) {
    return new Silences(silences.values()).silencedBy(labels, clock.instant());
  }

  private static LedgerEffects nothing() {
    return new LedgerEffects.Builder().build();
  }

  /** {@code agent} fires: a new incident, or its current one again, unchanged. */
  static Step fire(long at, String agent) {
    return new Step(
        at,
        "fire " + agent,
        s -> {
          Alert alert =
              s.incidents.computeIfAbsent(agent, a -> alert(a, s.clock.instant(), "died"));
          return s.ledger.transition(alert);
        });
  }

  /** The current incident of {@code agent} again, saying something new (another summary). */
  static Step update(long at, String agent) {
    return new Step(
        at,
        "update " + agent,
        s -> {
          Alert alert = alert(agent, s.incidents.get(agent).startsAt(), "still down");
          s.incidents.put(agent, alert);
          return s.ledger.transition(alert);
        });
  }

  /**
   * A monitor derives {@code agent} down for {@code reason} ({@code CRASHED}, {@code SESSION_LOST},
   * {@code NOT_RUNNING}) on its own clock, as one that took over or restarted does, and hands it to
   * the ledger.
   */
  static Step derive(long at, String agent, String reason) {
    return new Step(
        at,
        "derive " + agent + " " + reason,
        s -> {
          Alert alert = derived(agent, s.clock.instant(), reason);
          s.incidents.put(agent, alert);
          return s.ledger.transition(alert);
        });
  }

  /**
   * The classifier of a monitor that takes over derives {@code agent} down for {@code reason} now:
   * what a following {@link #reconcile} carries. Nothing reaches the ledger yet.
   */
  static Step rederive(long at, String agent, String reason) {
    return new Step(
        at,
        "rederive " + agent + " " + reason,
        s -> {
          s.incidents.put(agent, derived(agent, s.clock.instant(), reason));
          return nothing();
        });
  }

  /** The current incident of {@code agent} ends: it recovered. */
  static Step resolve(long at, String agent) {
    return new Step(
        at,
        "resolve " + agent,
        s ->
            s.ledger.transition(
                s.incidents
                    .remove(agent)
                    .resolve(s.clock.instant(), Map.of("resolution", "RECOVERED"))));
  }

  /** {@code receiver} acknowledges what it was last handed about {@code agent}. */
  static Step ack(long at, String receiver, String agent) {
    return new Step(
        at,
        "ack " + receiver + " " + agent,
        s ->
            s.ledger.delivered(
                new Delivered(receiver, List.of(s.handed.get(receiver + " " + agent)))));
  }

  /** A silence {@code id} of {@code matcher} starts now, for a day. */
  static Step silence(long at, String id, String matcher) {
    return new Step(
        at,
        "silence " + id + " " + matcher,
        s -> {
          Instant now = s.clock.instant();
          s.silences.put(
              id,
              new Silence(
                  id,
                  List.of(Matcher.parse(matcher)),
                  now,
                  now.plus(Duration.ofDays(1)),
                  "ops",
                  "maintenance"));
          return s.ledger.silencesChanged();
        });
  }

  /** Silence {@code id} ends now. */
  static Step expire(long at, String id) {
    return new Step(
        at,
        "expire " + id,
        s -> {
          s.silences.put(id, s.silences.get(id).expire(s.clock.instant()));
          return s.ledger.silencesChanged();
        });
  }

  /** The reminder timer fires. */
  static Step tick(long at) {
    return new Step(at, "tick", s -> s.ledger.remind());
  }

  /** A new monitor on {@link #ROUTES} loads the store. */
  static Step restart(long at) {
    return restart(at, ROUTES, "restart");
  }

  /** A new monitor on {@code routes} loads the store. */
  static Step restart(long at, Router routes, String text) {
    return new Step(
        at,
        text,
        s -> {
          s.ledger = new Ledger(RECEIVERS, routes, s::silencedBy, s.clock);
          List<LedgerRecord> records = new ArrayList<>();
          s.store.values().forEach(bytes -> records.add(LedgerRecord.parse(bytes)));
          s.ledger.load(records);
          return nothing();
        });
  }

  /** The stored records lose their acknowledgement times, as written before repeats existed. */
  static Step storeWithoutTimes(long at) {
    return new Step(
        at,
        "records without times",
        s -> {
          s.store.replaceAll(
              (key, bytes) -> {
                JsonObject json = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
                json.remove("notifiedAt");
                return json.encode().getBytes(StandardCharsets.UTF_8);
              });
          return nothing();
        });
  }

  /** The classifier's verdict: {@code firing} agents fire (their current incident), others end. */
  static Step reconcile(long at, List<String> firing, Set<String> running) {
    return new Step(
        at,
        "reconcile firing=" + firing + " running=" + running,
        s ->
            s.ledger.reconcile(
                new Reconciliation(firing.stream().map(s.incidents::get).toList(), running)));
  }

  static Alert alert(String agent, Instant startsAt, String summary) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, "FlumeAgentDown");
    labels.put(Alert.AGENT, agent);
    labels.put("group", agent.startsWith("i") ? "ingest" : "web");
    labels.put("host", "h1");
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put("summary", "Flume agent " + agent + " " + summary);
    return new Alert(Alert.Status.FIRING, labels, annotations, startsAt, null, "");
  }

  /** A down alert of {@code agent} giving {@code reason}, as the classifier words it. */
  static Alert derived(String agent, Instant startsAt, String reason) {
    Alert plain = alert(agent, startsAt, "is down: " + reason);
    TreeMap<String, String> annotations = new TreeMap<>(plain.annotations());
    annotations.put("reason", reason);
    return new Alert(Alert.Status.FIRING, plain.labels(), annotations, startsAt, null, "");
  }

  static List<String> lines(LedgerEffects effects) {
    List<String> lines = new ArrayList<>();
    for (Dispatch dispatch : effects.notices()) {
      Alert alert = dispatch.notice().alert();
      lines.add(
          "notify " + dispatch.receiver() + " " + alert.status().wire() + " " + alert.agent());
    }
    for (LedgerEffects.Publication publication : effects.publications()) {
      Alert alert = publication.alert();
      StringBuilder line = new StringBuilder("publish ").append(alert.status().wire()).append(' ');
      line.append(alert.agent());
      if (alert.annotation("reason") != null) {
        line.append(" reason=").append(alert.annotation("reason"));
      }
      if (alert.annotation("resolution") != null) {
        line.append(" resolution=").append(alert.annotation("resolution"));
      }
      if (alert.endsAt() != null) {
        line.append(" endsAt=").append(since(alert.endsAt()));
      }
      if (!publication.silencedBy().isEmpty()) {
        line.append(" silencedBy=").append(String.join(",", publication.silencedBy()));
      }
      lines.add(line.toString());
    }
    for (LedgerEffects.RecordChange change : effects.records()) {
      if (change instanceof LedgerEffects.RecordChange.Write write) {
        LedgerRecord record = write.record();
        StringBuilder line = new StringBuilder("write ").append(record.alert().agent());
        new TreeMap<>(record.sent())
            .forEach(
                (receiver, status) -> {
                  line.append(' ').append(receiver).append('=').append(status);
                  Instant at = record.notifiedAt().get(receiver);
                  if (at != null) {
                    line.append('@').append(since(at));
                  }
                });
        lines.add(line.toString());
      } else {
        lines.add("delete " + change.key().substring(change.key().indexOf('.') + 1));
      }
    }
    effects.remindBy().ifPresent(at -> lines.add("remind by " + since(at)));
    return lines;
  }

  private static String since(Instant at) {
    return "+" + Duration.between(T0, at).getSeconds() + "s";
  }
}
