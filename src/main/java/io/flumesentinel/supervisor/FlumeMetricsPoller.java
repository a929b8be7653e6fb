package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.ZkErrors;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at Flume's HTTP metrics ({@code GET /metrics}, {@code -Dflume.monitoring.type=http}) of one
 * run of the process, every interval, and hands each change of the {@link HealthJudge}'s verdict
 * on.
 *
 * <p>Requests are asynchronous (the JDK client, with connect and request timeouts) and their
 * answers are handled on the supervisor's executor, which is never held up by the request. One
 * request at a time: the next is scheduled when the previous one has ended. After {@link #stop()}
 * nothing more is reported.
 */
final class FlumeMetricsPoller {

  private static final Logger log = LoggerFactory.getLogger(FlumeMetricsPoller.class);

  private final String agentId;
  private final HealthWatch settings;
  private final HttpClient http;
  private final HealthJudge judge;
  private final ScheduledExecutorService executor;
  private final Consumer<Health> changes;
  private final FlowJudge.ComponentLines lines;
  private boolean stopped;
  private ScheduledFuture<?> next;

  FlumeMetricsPoller(
      String agentId,
      HealthWatch settings,
      HttpClient http,
      HealthJudge judge,
      ScheduledExecutorService executor,
      Consumer<Health> changes,
      FlowJudge.ComponentLines lines) {
    this.agentId = agentId;
    this.lines = lines;
    this.settings = settings;
    this.http = http;
    this.judge = judge;
    this.executor = executor;
    this.changes = changes;
  }

  /** Starts looking, one interval from now. Call on the supervisor's executor. */
  void start() {
    schedule();
  }

  /** Stops looking; an answer in flight is dropped. Call on the supervisor's executor. */
  void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  private void schedule() {
    if (!stopped) {
      next = executor.schedule(this::poll, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void poll() {
    if (stopped) {
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(settings.metricsUrl()).timeout(settings.timeout()).GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenCompleteAsync(
            (response, error) -> {
              if (stopped) {
                return;
              }
              try {
                Health changed;
                if (error != null) {
                  changed = judge.unanswered(describe(error));
                } else if (response.statusCode() != 200) {
                  changed = judge.unanswered("HTTP " + response.statusCode());
                } else {
                  FlumeMetrics metrics = FlumeMetrics.parse(response.body());
                  changed =
                      metrics == null
                          ? judge.unanswered("the answer is not Flume's metrics JSON")
                          : judge.answered(metrics, lines);
                }
                if (changed != null) {
                  report(changed);
                }
              } finally {
                schedule();
              }
            },
            executor);
  }

  private void report(Health health) {
    if (health.status().unhealthy()) {
      log.warn("{}: {}: {}", agentId, health.status(), health.reason());
    } else if (health.flow().isEmpty()) {
      log.info("{}: healthy again", agentId);
    }
    health
        .flow()
        .forEach(verdict -> log.warn("{}: {}: {}", agentId, verdict.check(), verdict.reason()));
    changes.accept(health);
  }

  /**
   * The fill percentage of each channel in Flume's metrics JSON ({@code "CHANNEL.c1":
   * {"ChannelFillPercentage": "54.8", …}}, numbers as strings); {@code null} when the text is not a
   * JSON object. A channel without a readable percentage is left out.
   */
  static Map<String, Double> channelFill(String body) {
    FlumeMetrics metrics = FlumeMetrics.parse(body);
    return metrics == null ? null : metrics.channelFill();
  }

  private static String describe(Throwable error) {
    Throwable cause = ZkErrors.cause(error);
    String message = cause.getMessage();
    return cause.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : ": " + message);
  }
}
