package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Decides from successive looks at Flume's metrics whether the agent is OK, STUCK (a channel stays
 * at or above the fill threshold for the stuck time) or HUNG (the metrics endpoint does not answer
 * for the stuck time). Pure: no I/O, time from the injected clock; one instance per run of the
 * process.
 *
 * <p>A look that fails keeps the status it follows (a single slow answer is not a verdict either
 * way); an answer with every channel below the threshold is OK at once. Before the first answer of
 * a run the endpoint is given the start grace instead of the stuck time, since Flume answers only
 * once its components have started (seconds, longer under load).
 *
 * <p>Given flow settings, each answer also goes through the per-component flow checks ({@link
 * FlowJudge}); the health reported then carries the verdicts standing ({@link Health#flow()}), and
 * a verdict raised or cleared is a change like a change of status.
 */
public final class HealthJudge {

  /**
   * @param fillPercent a channel at or above this fill percentage counts as full
   * @param stuckFor how long a full channel, or an endpoint that does not answer, lasts before it
   *     is reported
   * @param startGrace how long the endpoint may take to answer for the first time in a run
   */
  public record Settings(double fillPercent, Duration stuckFor, Duration startGrace) {
    public Settings {
      Objects.requireNonNull(stuckFor, "stuckFor");
      Objects.requireNonNull(startGrace, "startGrace");
    }
  }

  private final Settings settings;
  private final FlowJudge flow;
  private final Clock clock;
  private final Instant startedAt;
  private Health status;
  private boolean answered;
  private Instant fullSince;
  private Instant silentSince;

  public HealthJudge(Settings settings, Clock clock) {
    this(settings, null, FlumeTopology.UNKNOWN, clock);
  }

  /**
   * @param flowSettings the flow checks, or {@code null}: none
   * @param topology which channel each sink drains
   */
  HealthJudge(
      Settings settings, FlowJudge.Settings flowSettings, FlumeTopology topology, Clock clock) {
    this.settings = settings;
    this.flow = flowSettings == null ? null : new FlowJudge(flowSettings, topology, clock);
    this.clock = clock;
    this.startedAt = clock.instant();
    this.status = Health.ok(startedAt);
  }

  /** The status as last decided (OK at first), with the flow verdicts standing. */
  public Health status() {
    return flow == null ? status : status.withFlow(flow.verdicts());
  }

  /**
   * An answer of the metrics endpoint: the status from the channels' fill, and the flow checks.
   *
   * @param lines the output lines concerning a component, for a verdict raised now
   * @return the new health when its status or its flow verdicts changed, else {@code null}
   */
  Health answered(FlumeMetrics metrics, FlowJudge.ComponentLines lines) {
    Health changed = answered(metrics.channelFill());
    boolean flowChanged = flow != null && flow.look(metrics, lines);
    return changed != null || flowChanged ? status() : null;
  }

  /**
   * An answer of the metrics endpoint: channel name → fill percentage.
   *
   * @return the new status when it changed, else {@code null}
   */
  public Health answered(Map<String, Double> channelFill) {
    Instant now = clock.instant();
    answered = true;
    silentSince = null;
    String fullest = null;
    double fill = -1;
    for (Map.Entry<String, Double> channel : channelFill.entrySet()) {
      if (channel.getValue() >= settings.fillPercent() && channel.getValue() > fill) {
        fullest = channel.getKey();
        fill = channel.getValue();
      }
    }
    if (fullest == null) {
      fullSince = null;
      return change(Health.ok(now));
    }
    if (fullSince == null) {
      fullSince = now;
    }
    if (elapsed(fullSince, now).compareTo(settings.stuckFor()) < 0) {
      // full, not for long enough: an endpoint that answers again is no longer hung
      return status.status() == Health.Status.HUNG ? change(Health.ok(now)) : null;
    }
    if (status.status() == Health.Status.STUCK) {
      return null; // reported once; details are written only with a change of status
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("channel", fullest);
    details.put("fillPercent", format(fill));
    details.put("thresholdPercent", format(settings.fillPercent()));
    return change(
        new Health(
            Health.Status.STUCK,
            "channel "
                + fullest
                + " is "
                + format(fill)
                + "% full for "
                + elapsed(fullSince, now).toMillis()
                + " ms",
            fullSince,
            details));
  }

  /**
   * The endpoint did not answer (connection refused, timeout, not metrics).
   *
   * @return the new status when it changed, else {@code null}
   */
  public Health unanswered(String error) {
    Health changed = silent(error);
    return changed == null ? null : status();
  }

  private Health silent(String error) {
    Instant now = clock.instant();
    if (silentSince == null) {
      silentSince = answered ? now : startedAt;
    }
    Duration limit =
        answered ? settings.stuckFor() : max(settings.stuckFor(), settings.startGrace());
    if (status.status() == Health.Status.HUNG || elapsed(silentSince, now).compareTo(limit) < 0) {
      return null;
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("error", error == null ? "no answer" : error);
    details.put("silentForMs", Long.toString(elapsed(silentSince, now).toMillis()));
    return change(
        new Health(
            Health.Status.HUNG,
            (answered
                    ? "the metrics endpoint stopped answering: "
                    : "the metrics endpoint never answered: ")
                + error,
            silentSince,
            details));
  }

  private Health change(Health next) {
    if (next.status() == status.status()) {
      return null;
    }
    status = next;
    return next;
  }

  private static Duration elapsed(Instant from, Instant to) {
    return Duration.between(from, to);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String format(double percent) {
    return percent == Math.rint(percent)
        ? Long.toString((long) percent)
        : String.format(java.util.Locale.ROOT, "%.1f", percent);
  }
}
