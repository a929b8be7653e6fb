package io.flumesentinel.alert;

import io.flumesentinel.config.WatchdogConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Ending;
import io.flumesentinel.event.ReceiverHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The alerts about the alerting itself, decided: the {@value #WATCHDOG} (Alertmanager's dead man's
 * switch: always firing, sent to its receiver at start and then every interval) and {@value
 * #RECEIVER_FAILING} (a receiver with a {@code fallback} has failed for its {@code failingAfter}
 * without accepting anything: the fallback is told, and told again when it accepts alerts again).
 *
 * <p>Pure: given the clock's now and what the notifiers report, it returns what to send where, and
 * when it wants to be woken ({@link #nextDeadline}). Not thread-safe (one owner).
 */
final class MetaAlerts {

  public static final String WATCHDOG = "Watchdog";
  public static final String RECEIVER_FAILING = "FlumeSentinelReceiverFailing";

  /** One alert for one receiver. */
  record Send(String receiver, Alert alert) {}

  /**
   * Where a receiver's failure is reported, and after how long.
   *
   * @param fallback the receiver told
   */
  record FailureRule(String fallback, Duration after) {}

  private enum State {
    /** Failing, not yet for its delay: nothing sent. */
    FAILING,
    /** Failing past its delay: its fallback was sent the firing alert. */
    REPORTED
  }

  private static final class Failure {
    final Instant since;
    final String error;
    State state = State.FAILING;
    Alert alert;

    Failure(Instant since, String error) {
      this.since = since;
      this.error = error;
    }
  }

  private final WatchdogConfig watchdog;
  private final Map<String, FailureRule> rules;
  private final String monitor;
  private final String externalUrl;
  private final Clock clock;
  private final Map<String, Failure> failures = new LinkedHashMap<>();
  private Alert watchdogAlert;
  private Instant nextWatchdog;

  /**
   * @param rules by receiver: only receivers with a fallback are watched
   * @param monitor this monitor's name, the {@code monitor} label
   * @param externalUrl the monitor's address, the alerts' {@code generatorURL}
   */
  MetaAlerts(
      WatchdogConfig watchdog,
      Map<String, FailureRule> rules,
      String monitor,
      String externalUrl,
      Clock clock) {
    this.watchdog = watchdog;
    this.rules = Map.copyOf(rules);
    this.monitor = monitor;
    this.externalUrl = externalUrl == null ? "" : externalUrl;
    this.clock = clock;
  }

  /** The monitor (or its term) starts: the Watchdog goes out at once. */
  List<Send> started() {
    if (!watchdog.enabled()) {
      return List.of();
    }
    Instant now = clock.instant();
    watchdogAlert = watchdogAlert(now);
    nextWatchdog = now;
    return expire();
  }

  /** A notifier says its receiver started failing, or accepts alerts again. */
  List<Send> receiverHealth(ReceiverHealth health) {
    FailureRule rule = rules.get(health.receiver());
    if (rule == null) {
      return List.of();
    }
    Failure failure = failures.get(health.receiver());
    if (health.failing()) {
      if (failure == null) {
        failures.put(health.receiver(), new Failure(clock.instant(), health.error()));
      }
      return expire();
    }
    failures.remove(health.receiver());
    if (failure == null || failure.state != State.REPORTED) {
      return List.of();
    }
    Instant now = clock.instant();
    String lasted = Ending.duration(Duration.between(failure.since, now));
    Alert resolved =
        failure.alert.resolve(
            now,
            Map.of(
                "resolution",
                "RECOVERED",
                "duration",
                lasted,
                "summary",
                "Receiver "
                    + health.receiver()
                    + " of Flume Sentinel on "
                    + monitor
                    + " accepts alerts again after failing for "
                    + lasted));
    return List.of(new Send(rule.fallback(), resolved));
  }

  /** What is due at the clock's now. */
  List<Send> expire() {
    Instant now = clock.instant();
    List<Send> sends = new ArrayList<>();
    if (nextWatchdog != null && !now.isBefore(nextWatchdog)) {
      sends.add(new Send(watchdog.receiver(), watchdogAlert));
      nextWatchdog = now.plus(watchdog.interval());
    }
    Set<Instant> starts = new HashSet<>();
    failures.values().stream()
        .filter(f -> f.alert != null)
        .forEach(f -> starts.add(f.alert.startsAt()));
    failures.forEach(
        (receiver, failure) -> {
          FailureRule rule = rules.get(receiver);
          if (failure.state == State.FAILING && !now.isBefore(failure.since.plus(rule.after()))) {
            failure.state = State.REPORTED;
            // One incident per receiver: the fallback's queue tells incidents apart by alert name,
            // monitor and start, so two receivers failing within the same millisecond get apart.
            Instant start = failure.since;
            while (!starts.add(start)) {
              start = start.plusMillis(1);
            }
            failure.alert = receiverFailing(receiver, rule, failure, start);
            sends.add(new Send(rule.fallback(), failure.alert));
          }
        });
    return sends;
  }

  /** When {@link #expire} has something to do next; {@code null}: nothing pending. */
  Instant nextDeadline() {
    Instant next = nextWatchdog;
    for (Map.Entry<String, Failure> entry : failures.entrySet()) {
      Failure failure = entry.getValue();
      if (failure.state == State.FAILING) {
        Instant due = failure.since.plus(rules.get(entry.getKey()).after());
        next = next == null || due.isBefore(next) ? due : next;
      }
    }
    return next;
  }

  private Alert watchdogAlert(Instant since) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, WATCHDOG);
    labels.put(Alert.MONITOR, monitor);
    labels.put("severity", "none");
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put(
        "summary", "Flume Sentinel on " + monitor + " is alive: this alert always fires");
    annotations.put(
        "description",
        "A dead man's switch, sent every "
            + Ending.duration(watchdog.interval())
            + ". When it stops arriving, the monitor, its host or the way to this receiver is gone.");
    annotations.put("interval", Ending.duration(watchdog.interval()));
    return new Alert(Alert.Status.FIRING, labels, annotations, since, null, externalUrl);
  }

  private Alert receiverFailing(String receiver, FailureRule rule, Failure failure, Instant start) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, RECEIVER_FAILING);
    labels.put(Alert.MONITOR, monitor);
    labels.put("receiver", receiver);
    labels.put("severity", "critical");
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", "RECEIVER_FAILING");
    annotations.put(
        "summary",
        "Receiver "
            + receiver
            + " of Flume Sentinel on "
            + monitor
            + " has failed for "
            + Ending.duration(rule.after())
            + ": alerts for it are not delivered");
    annotations.put(
        "description",
        "Its notifier keeps the alerts queued and retries; they are delivered when it accepts them"
            + " again. Last error: "
            + failure.error);
    annotations.put("error", failure.error);
    annotations.put("failingSince", failure.since.toString());
    return new Alert(Alert.Status.FIRING, labels, annotations, start, null, externalUrl);
  }
}
