package io.flumesentinel.metrics;

import io.flumesentinel.http.Routes;
import io.flumesentinel.logging.NonBlockingAsyncAppender;
import io.flumesentinel.notify.NotifierStats;
import io.flumesentinel.readiness.Readiness;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's figures for Prometheus, served as {@code GET /metrics} on the health port (text
 * format 0.0.4, the read token when tokens are configured): Micrometer's Prometheus registry, with
 * Vert.x's own metrics (event loops, worker pools, HTTP server and client, event bus), the JVM's
 * (memory, garbage collection, threads, processor, uptime) and the monitor's, named {@code
 * flume_sentinel_*} (see docs/metrics.md).
 *
 * <p>Scraping is cheap whatever the fleet: agents are counted as the watch reports changes ({@link
 * AgentCounts}), firing alerts as the ledger writes its records, notifications by the notifiers'
 * counters; a scrape reads those counters, off the event loops. Label values from ZooKeeper
 * (groups) and alert names are bounded ({@link LabelValues}).
 *
 * <p>Lifecycle: build it before Vert.x ({@link #vertxBuilder}: Vert.x's metrics are set at its
 * creation), {@link #bind} the monitor's parts once built, {@link #deploy} before the watch starts,
 * and mount it on the HTTP server.
 */
public final class MonitorMetrics implements Routes {

  /** The content type of the Prometheus text format this endpoint answers in. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Groups with a label of their own; the agents of any other group count under "other". */
  static final int MAX_GROUPS = 200;

  /** Alert names with a label of their own; the monitor raises fewer than ten. */
  static final int MAX_ALERTNAMES = 50;

  private static final Logger log = LoggerFactory.getLogger(MonitorMetrics.class);

  private static final Duration[] DELIVERY_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  private static final Duration[] CLASSIFICATION_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AgentCounts agents = new AgentCounts(new LabelValues(MAX_GROUPS));
  private final LabelValues alertnames = new LabelValues(MAX_ALERTNAMES);
  private final MultiGauge agentGauges;
  private final MultiGauge firingGauges;
  private final Timer classification;
  private volatile Sources sources;

  /**
   * What the figures are read from.
   *
   * @param clustered whether the monitor runs in a cluster, where it leads only once elected
   * @param receivers every receiver's name, from the config
   * @param notifiers the counters of the current (or last) term's notifiers, by receiver
   * @param firingAlerts the alerts firing in the current (or last) term's ledger, by name
   * @param ledgerRecordsDropped ledger records never written because too large
   */
  public record Sources(
      Readiness readiness,
      boolean clustered,
      List<String> receivers,
      Supplier<Map<String, NotifierStats>> notifiers,
      Supplier<Map<String, Integer>> firingAlerts,
      LongSupplier ledgerRecordsDropped) {

    public Sources {
      Objects.requireNonNull(readiness, "readiness");
      receivers = List.copyOf(receivers);
    }
  }

  public MonitorMetrics() {
    ScrapeHygiene.apply(registry);
    agentGauges =
        MultiGauge.builder("flume.sentinel.agents")
            .description("Registered agents by group and state (UP, STUCK, HUNG, DOWN)")
            .register(registry);
    firingGauges =
        MultiGauge.builder("flume.sentinel.alerts.firing")
            .description("Alerts firing in the ledger of the active monitor, by alert name")
            .register(registry);
    classification =
        Timer.builder("flume.sentinel.classification")
            .description(
                "Time from the read of an agent node, after its live node went, to the verdict")
            .serviceLevelObjectives(CLASSIFICATION_BUCKETS)
            .register(registry);
    FunctionCounter.builder(
            "flume.sentinel.log.lines.dropped",
            registry,
            r -> NonBlockingAsyncAppender.droppedLines())
        .description("Log lines dropped because the console did not keep up")
        .register(registry);
  }

  /**
   * A Vert.x builder for {@code options} with Vert.x's metrics on this registry: event-loop and
   * worker pools, HTTP server and client, event bus, and the JVM's metrics. Labels that would grow
   * without bound (client addresses, paths) are left out; event-bus addresses are the monitor's
   * own, a fixed set (Vert.x leaves out its reply addresses).
   */
  public VertxBuilder vertxBuilder(VertxOptions options) {
    return vertxBuilder(options, new MicrometerMetricsOptions().setJvmMetricsEnabled(true));
  }

  /**
   * {@link #vertxBuilder(VertxOptions)} for a Vert.x that runs the monitor's code but is not the
   * monitor (a storm rehearsal's), in the same JVM: its metrics on this registry under a name of
   * their own, and without the JVM's (the same JVM's, bound a second time). Why the name: Vert.x
   * keeps one metrics backend per name for the whole JVM, so under the monitor's name this Vert.x
   * would count into the monitor's registry, and closing it would close the monitor's.
   */
  public VertxBuilder vertxBuilderApart(VertxOptions options) {
    return vertxBuilder(
        options,
        new MicrometerMetricsOptions()
            .setJvmMetricsEnabled(false)
            .setRegistryName("flume-sentinel-apart-" + UUID.randomUUID()));
  }

  private VertxBuilder vertxBuilder(VertxOptions options, MicrometerMetricsOptions base) {
    MicrometerMetricsOptions metrics =
        base.setNettyMetricsEnabled(true)
            .setLabels(
                EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
    // Vert.x counts every event-bus message by address with a registry lookup (tags built,
    // meter found or created) per send, publish and receipt: several per alert on every hop of
    // the pipeline, which in a storm of thousands cost more than the alerts' own work. The
    // monitor's own metrics count what an operator needs of the pipeline instead.
    metrics.addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    metrics.setEnabled(true);
    return Vertx.builder()
        .with(options.setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** Reads the monitor's figures from {@code sources} from now on. */
  public void bind(Sources sources) {
    this.sources = sources;
    Readiness readiness = sources.readiness();
    Gauge.builder("flume.sentinel.zookeeper.connected", readiness, r -> r.zkConnected() ? 1 : 0)
        .description("1 while the monitor's ZooKeeper session is connected, else 0")
        .register(registry);
    Gauge.builder("flume.sentinel.ready", readiness, r -> r.ready() ? 1 : 0)
        .description("1 while /health/ready answers 200, else 0")
        .register(registry);
    // In a cluster the role reads "single" until the election starts: no leader yet.
    boolean clustered = sources.clustered();
    Gauge.builder("flume.sentinel.leader", readiness, r -> leads(r, clustered) ? 1 : 0)
        .description(
            "1 on the monitor that decides and notifies (a single monitor, or a cluster's"
                + " leader), 0 on a standby")
        .register(registry);
    FunctionCounter.builder(
            "flume.sentinel.ledger.records.dropped",
            sources,
            s -> s.ledgerRecordsDropped().getAsLong())
        .description("Alert records never written to ZooKeeper because too large")
        .register(registry);
    for (String receiver : sources.receivers()) {
      notification(receiver, "sent", NotifierStats::delivered);
      notification(receiver, "failed", NotifierStats::rejected);
      notification(receiver, "dropped", NotifierStats::dropped);
      FunctionCounter.builder(
              "flume.sentinel.notification.requests",
              this,
              m -> m.stat(receiver, NotifierStats::requests))
          .description("Requests sent to a receiver, retries included")
          .tag("receiver", receiver)
          .register(registry);
      FunctionCounter.builder(
              "flume.sentinel.notification.request.failures",
              this,
              m -> m.stat(receiver, NotifierStats::retries))
          .description("Requests to a receiver that failed and are retried (5xx, 429, timeout)")
          .tag("receiver", receiver)
          .register(registry);
      Gauge.builder(
              "flume.sentinel.notification.queued", this, m -> m.stat(receiver, s -> s.queued()))
          .description("Alert transitions waiting or in flight for a receiver")
          .tag("receiver", receiver)
          .register(registry);
      deliveryTimer(receiver);
    }
  }

  private static boolean leads(Readiness readiness, boolean clustered) {
    Readiness.Role role = readiness.role();
    return clustered ? role == Readiness.Role.ACTIVE : role != Readiness.Role.STANDBY;
  }

  private void notification(String receiver, String outcome, ToLongFunction<NotifierStats> stat) {
    FunctionCounter.builder("flume.sentinel.notifications", this, m -> m.stat(receiver, stat))
        .description(
            "Alert transitions per receiver: sent (accepted), failed (refused for good),"
                + " dropped (queue full)")
        .tags("receiver", receiver, "outcome", outcome)
        .register(registry);
  }

  private double stat(String receiver, ToLongFunction<NotifierStats> stat) {
    Sources bound = sources;
    NotifierStats stats = bound == null ? null : bound.notifiers().get().get(receiver);
    return stats == null ? 0 : stat.applyAsLong(stats);
  }

  private Timer deliveryTimer(String receiver) {
    return Timer.builder("flume.sentinel.notification.delivery")
        .description("Time a receiver took to accept a request, from its start to the answer")
        .tag("receiver", receiver)
        .serviceLevelObjectives(DELIVERY_BUCKETS)
        .register(registry);
  }

  /** Where a notifier tells how long each request its receiver accepted took, in nanoseconds. */
  public LongConsumer deliveryTimes(String receiver) {
    Timer timer = deliveryTimer(receiver);
    return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Where the classifier tells how long each classification that read an agent node took. */
  public LongConsumer classificationTimes() {
    return nanos -> classification.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Deploys what counts the agents; before the watch, which publishes its first snapshot once. */
  public Future<String> deploy(Vertx vertx) {
    return vertx.deployVerticle(
        new AgentCountsVerticle(agents),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
  }

  @Override
  public void mount(Router router, Context context) {
    router.get("/metrics").handler(this::answer);
  }

  private void answer(RoutingContext ctx) {
    ctx.vertx()
        .executeBlocking(this::scrape, false)
        .onComplete(
            scraped -> {
              if (scraped.succeeded()) {
                ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(scraped.result());
              } else {
                log.error("Could not gather the metrics", scraped.cause());
                ctx.response()
                    .setStatusCode(500)
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", "could not gather the metrics").encode());
              }
            });
  }

  /** The text of one scrape: the figures counted elsewhere, copied into the gauges, then all. */
  synchronized String scrape() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    agents
        .byGroup()
        .forEach(
            (group, states) ->
                states.forEach(
                    (state, count) ->
                        rows.add(
                            MultiGauge.Row.of(
                                Tags.of("group", group, "state", state.name()), count))));
    agentGauges.register(rows, true);
    List<MultiGauge.Row<?>> firing = new ArrayList<>();
    Sources bound = sources;
    if (bound != null && bound.readiness().role() != Readiness.Role.STANDBY) {
      Map<String, Integer> merged = new TreeMap<>();
      bound
          .firingAlerts()
          .get()
          .forEach((name, count) -> merged.merge(alertnames.of(name), count, Integer::sum));
      merged.forEach(
          (name, count) -> firing.add(MultiGauge.Row.of(Tags.of("alertname", name), count)));
    }
    firingGauges.register(firing, true);
    return registry.scrape();
  }

  /** The registry, for tests and for meters added elsewhere. */
  PrometheusMeterRegistry registry() {
    return registry;
  }
}
