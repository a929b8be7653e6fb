package io.flumesentinel.supervisor;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a supervisor watches its Flume agent's health (see {@link HealthJudge}).
 *
 * @param metricsUrl Flume's HTTP metrics, e.g. {@code http://127.0.0.1:34545/metrics}
 * @param interval time between the end of one look and the start of the next
 * @param timeout connect and request timeout of one look
 * @param flow the per-component flow checks ({@link FlowJudge})
 */
public record HealthWatch(
    URI metricsUrl,
    Duration interval,
    Duration timeout,
    HealthJudge.Settings judge,
    FlowJudge.Settings flow) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  public static final double DEFAULT_FILL_PERCENT = 90;
  public static final Duration DEFAULT_STUCK_FOR = Duration.ofSeconds(60);
  public static final Duration DEFAULT_START_GRACE = Duration.ofSeconds(60);

  public HealthWatch {
    Objects.requireNonNull(metricsUrl, "metricsUrl");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(judge, "judge");
    Objects.requireNonNull(flow, "flow");
  }

  /** With the flow checks' defaults (no source expected to receive). */
  public HealthWatch(
      URI metricsUrl, Duration interval, Duration timeout, HealthJudge.Settings judge) {
    this(metricsUrl, interval, timeout, judge, FlowJudge.Settings.defaults());
  }
}
