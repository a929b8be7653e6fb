package io.flumesentinel.monitor;

import io.flumesentinel.ack.AckIndex;
import io.flumesentinel.ack.AckVerticle;
import io.flumesentinel.alert.AlertLedgerVerticle;
import io.flumesentinel.alert.MetaAlertVerticle;
import io.flumesentinel.alert.Router;
import io.flumesentinel.alert.ZooKeeperLossVerticle;
import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.classify.ClassifierVerticle;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.GroupDegradedConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.config.WatchdogConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.OwnThread;
import io.flumesentinel.ha.StateVerticle;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.shape.Flapping;
import io.flumesentinel.shape.GroupInhibition;
import io.flumesentinel.shape.HostInhibition;
import io.flumesentinel.shape.StageChain;
import io.flumesentinel.shape.StageVerticle;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.silence.SilenceVerticle;
import io.flumesentinel.zk.ZkBatchWriter;
import io.flumesentinel.zk.ZkWatchVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of an alert, assembled in one place: the ZooKeeper watch, the classifier, flap
 * detection, host-level inhibition, the ledger and the receivers' notifiers, connected by the
 * addresses in {@link Addresses}. The monitor, each term of leadership in a cluster and the test
 * harness all deploy what this class builds, so the tests exercise the production wiring.
 *
 * <p>The pipeline has two parts:
 *
 * <ul>
 *   <li>what every instance runs: silences and acknowledgements (loaded before any ledger consults
 *       them) and the watch that starts the flow ({@link #silences}, {@link #acks}, {@link
 *       #watch});
 *   <li>what the active monitor runs ({@link #activeStages}), consumers first so that nothing is
 *       published before someone listens: notifiers, ledger, alert shaping (flap detection, then
 *       group roll-up, host-level inhibition, one {@link StageChain}), classifier, state requests.
 *       A single monitor builds them once (with the ZooKeeper-loss alert); a cluster builds them
 *       anew for each term, with the term's fence on the ledger.
 * </ul>
 *
 * <p>A single monitor deploys it in two steps ({@link #deploySingle}): what needs no ZooKeeper at
 * once, the rest once ZooKeeper is connected, so that it runs, says it is not ready and alerts on
 * the missing ZooKeeper while ZooKeeper cannot be reached.
 */
public final class AlertPipeline {

  private static final Logger log = LoggerFactory.getLogger(AlertPipeline.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final CuratorFramework client;
  private final AsyncCuratorFramework ledgerZk;
  private final ZkLayout layout;
  private final Readiness readiness;
  private final SilenceIndex silences;
  private final AckIndex acks;
  private final List<String> receivers;
  private final Router router;
  private final Supplier<Map<String, NotifierVerticle>> notifiers;
  private final Clock clock;
  private final Clock ledgerClock;
  private final Duration repeatRecheck;
  private final ClassifierConfig classifier;
  private final Duration readTimeout;
  private final Supplier<String> externalUrl;
  private final FlappingConfig flapping;
  private final HostDownConfig hostDown;
  private final GroupDegradedConfig groupDegraded;
  private final ZooKeeperLoss zooKeeperLoss;
  private final StateRequests stateRequests;
  private final LongConsumer classificationNanos;
  private final MetaAlerts metaAlerts;
  private final AtomicReference<Map<String, NotifierVerticle>> current =
      new AtomicReference<>(Map.of());
  private final AtomicReference<AlertLedgerVerticle> currentLedger = new AtomicReference<>();

  private AlertPipeline(Builder builder) {
    this.client = Objects.requireNonNull(builder.client, "client");
    this.ledgerZk =
        builder.ledgerClient == null
            ? AsyncCuratorFramework.wrap(client)
            : AsyncCuratorFramework.wrap(builder.ledgerClient);
    this.layout = Objects.requireNonNull(builder.layout, "layout");
    this.readiness = Objects.requireNonNull(builder.readiness, "readiness");
    this.silences = Objects.requireNonNull(builder.silences, "silences");
    this.acks = Objects.requireNonNull(builder.acks, "acks");
    this.receivers = List.copyOf(builder.receivers);
    this.router = Objects.requireNonNull(builder.router, "router");
    this.notifiers = builder.notifiers;
    this.clock = builder.clock;
    this.ledgerClock = builder.ledgerClock == null ? builder.clock : builder.ledgerClock;
    this.repeatRecheck = builder.repeatRecheck;
    this.classifier = Objects.requireNonNull(builder.classifier, "classifier");
    this.readTimeout = Objects.requireNonNull(builder.readTimeout, "readTimeout");
    this.externalUrl = builder.externalUrl;
    this.flapping = builder.flapping;
    this.hostDown = builder.hostDown;
    this.groupDegraded = builder.groupDegraded;
    this.zooKeeperLoss = builder.zooKeeperLoss;
    this.stateRequests = builder.stateRequests;
    this.classificationNanos = builder.classificationNanos;
    this.metaAlerts = builder.metaAlerts;
  }

  /**
   * @param client the session that watches and reads registrations
   * @param layout where the registrations, the ledger and the silences are
   */
  public static Builder builder(CuratorFramework client, ZkLayout layout) {
    return new Builder(client, layout);
  }

  /** The silences, loaded on every instance before any ledger consults them. */
  public SilenceVerticle silences() {
    return new SilenceVerticle(client, layout, silences, SilenceVerticle.RETENTION);
  }

  /** The acknowledgements, loaded on every instance before any ledger consults them. */
  public AckVerticle acks() {
    return new AckVerticle(client, layout, acks);
  }

  /**
   * The watch of the registrations, deployed last: it starts the flow.
   *
   * @param streaming whether it sends changes to the classifier from the start (a single monitor);
   *     a standby keeps its copy warm and streams only while a term is active
   */
  public ZkWatchVerticle watch(boolean streaming) {
    return new ZkWatchVerticle(client, layout, readiness, streaming);
  }

  /**
   * The verticles the active monitor runs, in deployment order (consumers first), built anew for
   * each call.
   *
   * @param fence the term's fence on the ledger's writes, {@code null} outside a cluster
   */
  public List<Deployable> activeStages(ZkBatchWriter.Fence fence) {
    List<Deployable> verticles = new ArrayList<>(notifierStages());
    verticles.addAll(metaStages());
    verticles.addAll(decisionStages(fence));
    return verticles;
  }

  /** The notifiers of a new term (the current ones from now on), by receiver, in config order. */
  private List<NotifierVerticle> notifierStages() {
    Map<String, NotifierVerticle> term = new LinkedHashMap<>(notifiers.get());
    current.set(Map.copyOf(term));
    return List.copyOf(term.values());
  }

  /**
   * The active stages after the notifiers (and, in a single monitor, the ZooKeeper-loss alert):
   * ledger, alert shaping, classifier, state requests.
   */
  private List<Deployable> decisionStages(ZkBatchWriter.Fence fence) {
    List<Deployable> verticles = new ArrayList<>();
    AlertLedgerVerticle ledger =
        new AlertLedgerVerticle(
            ledgerZk,
            layout,
            receivers,
            router,
            readiness,
            silences,
            acks,
            ledgerClock,
            repeatRecheck,
            fence);
    currentLedger.set(ledger);
    verticles.add(ledger);
    verticles.add(shaping(flapping, groupDegraded, hostDown, clock));
    verticles.add(
        ClassifierVerticle.fenced(
            classifier,
            readTimeout,
            new AgentAlerts(externalUrl.get()),
            clock,
            classificationNanos));
    if (stateRequests != null) {
      verticles.add(
          new StateVerticle(client, layout, stateRequests.monitor(), stateRequests.epoch()));
    }
    return verticles;
  }

  /** The Watchdog and the receivers' failure alerts, when configured (right after notifiers). */
  private List<Deployable> metaStages() {
    if (metaAlerts == null
        || (!metaAlerts.watchdog().enabled() && metaAlerts.fallbacks().isEmpty())) {
      return List.of();
    }
    return List.of(
        new MetaAlertVerticle(
            metaAlerts.watchdog(),
            metaAlerts.fallbacks(),
            metaAlerts.monitor(),
            externalUrl.get(),
            silences,
            clock));
  }

  private ZooKeeperLossVerticle zooKeeperLossStage() {
    return new ZooKeeperLossVerticle(
        zooKeeperLoss.monitor(),
        zooKeeperLoss.connect(),
        zooKeeperLoss.sessionTimeout(),
        router,
        silences,
        clock);
  }

  /**
   * Ledger records the current (or last) term's ledger could not write because they were too large
   * even after fitting: logged once each, dropped, counted here for {@code /status}.
   */
  public long ledgerRecordsDropped() {
    AlertLedgerVerticle ledger = currentLedger.get();
    return ledger == null ? 0 : ledger.oversizeRecordsDropped();
  }

  /**
   * The alerts that fire in the current (or last) term's ledger, by alert name; empty before a
   * ledger is loaded.
   */
  public Map<String, Integer> firingAlerts() {
    AlertLedgerVerticle ledger = currentLedger.get();
    return ledger == null ? Map.of() : ledger.firing().byAlertname();
  }

  /** The notifiers of the current (or last) term, by receiver. */
  public Map<String, NotifierVerticle> notifiers() {
    return current.get();
  }

  /**
   * Deploys the whole pipeline for a monitor that is always active (no cluster), as {@link
   * #deploySingle}; completes when every verticle is deployed.
   */
  public Future<Void> deployAlwaysActive(Vertx vertx) {
    return deploySingle(vertx).complete();
  }

  /**
   * What {@link #deploySingle} has done.
   *
   * @param watching completes once the notifiers, the ZooKeeper-loss alert and the watch run: the
   *     monitor reports its connection (readiness, the alert), whether ZooKeeper is there or not
   * @param complete completes once the whole pipeline runs, which needs ZooKeeper; fails only for a
   *     reason other than ZooKeeper being away
   */
  public record Deployment(Future<Void> watching, Future<Void> complete) {}

  /**
   * Deploys the pipeline of a monitor that is always active (no cluster) so that a ZooKeeper that
   * cannot be reached is a state it runs in, not a failure. First what needs no ZooKeeper: the
   * notifiers, the ZooKeeper-loss alert, and the watch, which reports the connection from the start
   * and holds back the registrations it loads. Then, once connected: the silences (loaded before
   * the ledger consults them), the ledger, the stages, the classifier and the state requests; and
   * the watch starts sending, a snapshot first. If that second step fails because the connection
   * went away meanwhile, what it deployed is undeployed and it is tried again once the connection
   * is back.
   */
  public Deployment deploySingle(Vertx vertx) {
    List<Deployable> first = new ArrayList<>(notifierStages());
    first.addAll(metaStages());
    if (zooKeeperLoss != null) {
      first.add(zooKeeperLossStage());
    }
    first.add(watch(false));
    Future<Void> watching = deployInOrder(vertx, first);
    Promise<Void> complete = Promise.promise();
    watching.onComplete(
        done -> {
          if (done.failed()) {
            complete.fail(done.cause());
          } else {
            deployWhenConnected(vertx, complete);
          }
        });
    return new Deployment(watching, complete.future());
  }

  private void deployWhenConnected(Vertx vertx, Promise<Void> complete) {
    connected(vertx)
        .compose(
            connected -> {
              List<Deployable> second = new ArrayList<>();
              second.add(silences());
              second.add(acks());
              second.addAll(decisionStages(null));
              return deployInOrder(vertx, second);
            })
        .onSuccess(
            deployed -> {
              vertx.eventBus().send(Addresses.ZK_STREAM, true, LOCAL);
              complete.complete();
            })
        .onFailure(
            error -> {
              if (!ZkErrors.unreachable(error)) {
                complete.fail(error);
                return;
              }
              log.warn(
                  "ZooKeeper went away while the pipeline started ({}); starting it once ZooKeeper"
                      + " is back",
                  error.toString());
              deployWhenConnected(vertx, complete);
            });
  }

  /** Completes once the watching session is connected (at once if it is now). */
  private Future<Void> connected(Vertx vertx) {
    Promise<Void> connected = Promise.promise();
    MessageConsumer<ConnectionChange> changes =
        vertx.eventBus().localConsumer(Addresses.ZK_CONNECTION);
    changes.handler(
        change -> {
          if (change.body().state().usable()) {
            connected.tryComplete();
          }
        });
    // Listening first, then looking: a connection made in between is not missed.
    changes
        .completion()
        .onSuccess(
            listening -> {
              if (client.getZookeeperClient().isConnected()) {
                connected.tryComplete();
              }
            });
    connected.future().onComplete(done -> changes.unregister());
    return connected.future();
  }

  /** Deploys one after the other; if one fails, undeploys those before it (last first). */
  private static Future<Void> deployInOrder(Vertx vertx, List<Deployable> verticles) {
    List<String> ids = new ArrayList<>();
    Future<Void> deployed = Future.succeededFuture();
    for (Deployable verticle : verticles) {
      deployed =
          deployed
              .compose(
                  previous ->
                      vertx
                          .deployVerticle(verticle, OwnThread.deploymentOptions(verticle))
                          .map(ids::add))
              .mapEmpty();
    }
    return deployed.recover(
        error -> {
          Future<Void> undeployed = Future.succeededFuture();
          for (int i = ids.size() - 1; i >= 0; i--) {
            String id = ids.get(i);
            undeployed = undeployed.transform(previous -> vertx.undeploy(id));
          }
          return undeployed.transform(previous -> Future.<Void>failedFuture(error));
        });
  }

  /**
   * Flap detection, then group roll-up, then host-level inhibition, as one stage between the
   * classifier and the ledger. The group roll-up comes before the host-level inhibition so that it
   * counts every unhealthy agent of its groups: what it holds back, the host-level inhibition never
   * sees.
   */
  public static StageVerticle shaping(
      FlappingConfig flapping,
      GroupDegradedConfig groupDegraded,
      HostDownConfig hostDown,
      Clock clock) {
    return new StageVerticle(
        Addresses.CLASSIFIED,
        Addresses.TRANSITIONS,
        StageChain.of(
            new Flapping(flapping, clock),
            new GroupInhibition(groupDegraded, clock),
            new HostInhibition(hostDown, clock)),
        clock);
  }

  /** The monitor's own alert when its ZooKeeper connection is unusable (single mode only). */
  public record ZooKeeperLoss(String monitor, String connect, Duration sessionTimeout) {}

  /**
   * The alerts about the alerting itself: the Watchdog, and where each receiver's failure is
   * reported (by receiver).
   */
  public record MetaAlerts(
      WatchdogConfig watchdog, Map<String, MetaAlertVerticle.Fallback> fallbacks, String monitor) {}

  /** Answers to {@code flume.sentinel.state} requests, naming this monitor and its term. */
  public record StateRequests(String monitor, IntSupplier epoch) {}

  /** What the pipeline is built from; defaults are those of a monitor with no config. */
  public static final class Builder {

    private final CuratorFramework client;
    private final ZkLayout layout;
    private CuratorFramework ledgerClient;
    private Readiness readiness = new Readiness();
    private SilenceIndex silences;
    private AckIndex acks = new AckIndex();
    private List<String> receivers = List.of();
    private Router router;
    private Supplier<Map<String, NotifierVerticle>> notifiers = Map::of;
    private Clock clock = Clock.systemUTC();
    private Clock ledgerClock;
    private Duration repeatRecheck = AlertLedgerVerticle.REPEAT_RECHECK;
    private ClassifierConfig classifier;
    private Duration readTimeout;
    private Supplier<String> externalUrl = () -> "";
    private FlappingConfig flapping = FlappingConfig.defaults();
    private HostDownConfig hostDown = HostDownConfig.defaults();
    private GroupDegradedConfig groupDegraded = GroupDegradedConfig.defaults();
    private ZooKeeperLoss zooKeeperLoss;
    private StateRequests stateRequests;
    private LongConsumer classificationNanos = nanos -> {};
    private MetaAlerts metaAlerts;

    private Builder(CuratorFramework client, ZkLayout layout) {
      this.client = client;
      this.layout = layout;
    }

    /**
     * The ledger's own session: ZooKeeper answers a session's reads only after its earlier writes
     * are committed, and the classifier's reads must not wait behind the ledger's fsyncs. Without
     * it the ledger shares the watching session.
     */
    public Builder ledgerClient(CuratorFramework ledgerClient) {
      this.ledgerClient = ledgerClient;
      return this;
    }

    public Builder readiness(Readiness readiness) {
      this.readiness = readiness;
      return this;
    }

    public Builder silences(SilenceIndex silences) {
      this.silences = silences;
      return this;
    }

    /** The acknowledged alerts, shared with whatever shows them (the HTTP API). */
    public Builder acks(AckIndex acks) {
      this.acks = acks;
      return this;
    }

    /** The receivers' names and the routes between them. */
    public Builder receivers(List<String> receivers, Router router) {
      this.receivers = receivers;
      this.router = router;
      return this;
    }

    /**
     * The notifiers of one term, by receiver, built anew for each term; none when something else
     * consumes {@link Addresses#notify} (as the test harness does).
     */
    public Builder notifiers(Supplier<Map<String, NotifierVerticle>> notifiers) {
      this.notifiers = notifiers;
      return this;
    }

    /** The clock of the classifier and the stages (and of the ledger, unless given its own). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * @param ledgerClock the ledger's clock, for its repeats
     * @param repeatRecheck how often at most the ledger looks for repeats that are due
     */
    public Builder ledgerTiming(Clock ledgerClock, Duration repeatRecheck) {
      this.ledgerClock = ledgerClock;
      this.repeatRecheck = repeatRecheck;
      return this;
    }

    /**
     * @param readTimeout how long a read of agent nodes may take before the answer is unknown
     */
    public Builder classifier(ClassifierConfig classifier, Duration readTimeout) {
      this.classifier = classifier;
      this.readTimeout = readTimeout;
      return this;
    }

    /** The monitor's address as alerts link to it. */
    public Builder externalUrl(String externalUrl) {
      return externalUrl(() -> externalUrl);
    }

    /** The monitor's address as alerts link to it, known once its HTTP server listens. */
    public Builder externalUrl(Supplier<String> externalUrl) {
      this.externalUrl = externalUrl;
      return this;
    }

    public Builder shaping(FlappingConfig flapping, HostDownConfig hostDown) {
      this.flapping = flapping;
      this.hostDown = hostDown;
      return this;
    }

    /** Group roll-up ({@code FlumeGroupDegraded}), between flap detection and the host level. */
    public Builder groupDegraded(GroupDegradedConfig groupDegraded) {
      this.groupDegraded = groupDegraded;
      return this;
    }

    /** Adds the ZooKeeper-loss alert to a single monitor ({@link AlertPipeline#deploySingle}). */
    public Builder zooKeeperLoss(ZooKeeperLoss zooKeeperLoss) {
      this.zooKeeperLoss = zooKeeperLoss;
      return this;
    }

    /** Adds the answers to state requests to the active stages. */
    public Builder stateRequests(StateRequests stateRequests) {
      this.stateRequests = stateRequests;
      return this;
    }

    /** Told how long each classification that read an agent node took, in nanoseconds. */
    public Builder classificationTimes(LongConsumer classificationNanos) {
      this.classificationNanos = classificationNanos;
      return this;
    }

    /** Adds the Watchdog and the receivers' failure alerts to the active stages. */
    public Builder metaAlerts(MetaAlerts metaAlerts) {
      this.metaAlerts = metaAlerts;
      return this;
    }

    public AlertPipeline build() {
      if (silences == null) {
        silences = new SilenceIndex(clock);
      }
      if (router == null) {
        router = Router.of(null, receivers);
      }
      return new AlertPipeline(this);
    }
  }
}
