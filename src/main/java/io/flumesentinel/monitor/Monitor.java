package io.flumesentinel.monitor;

import io.flumesentinel.alert.AlertLedgerVerticle;
import io.flumesentinel.alert.Router;
import io.flumesentinel.alert.ZooKeeperLossVerticle;
import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.classify.ClassifierVerticle;
import io.flumesentinel.classify.ZkAgentNodeReader;
import io.flumesentinel.config.ClusterConfig;
import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.config.MailReceiverConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.ReceiverConfig;
import io.flumesentinel.config.RobotReceiverConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.ha.ClusteredVertx;
import io.flumesentinel.ha.LeadershipTerms;
import io.flumesentinel.ha.StateVerticle;
import io.flumesentinel.ha.UnclusteredPeersVerticle;
import io.flumesentinel.http.HttpServerVerticle;
import io.flumesentinel.http.ReadApi;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.notify.mail.MailChannel;
import io.flumesentinel.notify.robot.RobotChannel;
import io.flumesentinel.notify.webhook.WebhookChannel;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.shape.Flapping;
import io.flumesentinel.shape.HostInhibition;
import io.flumesentinel.shape.StageVerticle;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.silence.SilenceVerticle;
import io.flumesentinel.zk.EmbeddedZooKeeper;
import io.flumesentinel.zk.ZkBatchReader;
import io.flumesentinel.zk.ZkBatchWriter;
import io.flumesentinel.zk.ZkWatchVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running monitor: the ZooKeeper client (and the embedded server when none is configured),
 * Vert.x, and the verticles, deployed consumers first so that nothing is published before someone
 * listens: health, silences (loaded before the ledger, which consults them), notifiers, ledger, the
 * ZooKeeper-loss alert, host-level inhibition, flap detection, classifier, state requests, and last
 * the watch that starts the flow.
 *
 * <p>With {@code cluster} enabled, Vert.x is clustered on the same ZooKeeper and every instance
 * runs health, silences and the watch, while an {@link LeadershipTerms} runs the rest on the
 * elected leader only.
 */
public final class Monitor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Monitor.class);

  private final EmbeddedZooKeeper embedded;
  private final List<CuratorFramework> clients;
  private final Vertx vertx;
  private final Readiness readiness;
  private final HttpServerVerticle health;
  private final String zkConnect;

  private Monitor(
      EmbeddedZooKeeper embedded,
      List<CuratorFramework> clients,
      Vertx vertx,
      Readiness readiness,
      HttpServerVerticle health,
      String zkConnect) {
    this.embedded = embedded;
    this.clients = clients;
    this.vertx = vertx;
    this.readiness = readiness;
    this.health = health;
    this.zkConnect = zkConnect;
  }

  /** Starts a monitor and returns once every verticle is deployed (not necessarily ready). */
  public static Monitor start(MonitorConfig config, Clock clock) throws Exception {
    ZkConfig zk = config.zookeeper();
    ClusterConfig cluster = config.cluster();
    EmbeddedZooKeeper embedded = null;
    String connect = zk.connect();
    if (zk.embedded()) {
      embedded = EmbeddedZooKeeper.start(zk.embeddedPort(), zk.embeddedDataDir());
      connect = embedded.connectString();
      log.warn(embedded.banner());
    }
    CuratorFramework client = curator(connect, zk, false);
    // The ledger writes on a session of its own: ZooKeeper answers a session's reads only after its
    // earlier writes are committed, and the classifier's reads must not wait behind the ledger's
    // fsyncs. In a cluster the same session holds leadership, which only its loss gives up.
    CuratorFramework ledgerClient = curator(connect, zk, cluster.enabled());
    Vertx vertx;
    try {
      vertx = cluster.enabled() ? ClusteredVertx.start(connect, zk, cluster) : Vertx.vertx();
    } catch (Exception e) {
      client.close();
      ledgerClient.close();
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
    LocalCodec.registerAll(vertx);
    Readiness readiness = new Readiness();
    ZkLayout layout = zk.layout();
    AsyncCuratorFramework ledgerZk = AsyncCuratorFramework.wrap(ledgerClient);

    List<String> receivers = config.receivers().stream().map(ReceiverConfig::name).toList();
    AtomicReference<Map<String, NotifierVerticle>> notifiers = new AtomicReference<>(Map.of());
    SilenceIndex silences = new SilenceIndex(clock);
    HttpServerVerticle health =
        new HttpServerVerticle(
            config.http(),
            readiness,
            () -> status(readiness, notifiers.get()),
            new ReadApi(client, layout, silences));
    Duration readTimeout = zk.sessionTimeout().plus(zk.connectionTimeout());
    Router router = Router.of(config.route(), receivers);
    String monitorName = hostName();
    String instance = monitorName + ":" + UUID.randomUUID().toString().substring(0, 8);
    String connected = connect;
    LeadershipTerms[] activeSet = new LeadershipTerms[1];

    // What the active monitor runs, consumers first: notifiers, ledger, the ZooKeeper-loss alert
    // (single mode), host-level inhibition, flap detection, classifier, state requests. A single
    // monitor runs them from start to close; in a cluster they are built anew for each term of
    // leadership, with the term's fence on the ledger.
    Function<ZkBatchWriter.Fence, List<? extends Deployable>> active =
        fence -> {
          Map<String, NotifierVerticle> term = new LinkedHashMap<>();
          for (ReceiverConfig receiver : config.receivers()) {
            term.put(receiver.name(), notifier(receiver, config.externalUrl()));
          }
          notifiers.set(term);
          List<Deployable> verticles = new ArrayList<>(term.values());
          verticles.add(
              new AlertLedgerVerticle(
                  ledgerZk,
                  layout,
                  receivers,
                  router,
                  readiness,
                  silences,
                  clock,
                  AlertLedgerVerticle.REPEAT_RECHECK,
                  fence));
          if (!cluster.enabled()) {
            // In a cluster the leader loses its term with its session, just when this alert would
            // fire (and could never be resolved): a standby takes over instead, and a cluster
            // with no monitor connected shows as no replica ready.
            verticles.add(
                new ZooKeeperLossVerticle(
                    monitorName, connected, zk.sessionTimeout(), router, silences, clock));
          }
          verticles.add(hostInhibition(config.hostDown(), clock));
          verticles.add(flapping(config.flapping(), clock));
          verticles.add(
              new ClassifierVerticle(
                  config.classifier(),
                  context ->
                      new ZkAgentNodeReader(
                          new ZkBatchReader(client, context), layout, context, readTimeout),
                  new AgentAlerts(config.externalUrl()),
                  clock));
          verticles.add(
              new StateVerticle(
                  client,
                  layout,
                  monitorName,
                  () -> activeSet[0] == null ? -1 : activeSet[0].epoch()));
          return verticles;
        };

    // Silences are loaded on every instance, before any ledger consults them (and /api/silences
    // answers on standbys too).
    Future<?> deployed =
        vertx
            .deployVerticle(health)
            .compose(
                id ->
                    vertx.deployVerticle(
                        new SilenceVerticle(client, layout, silences, SilenceVerticle.RETENTION)));
    if (cluster.enabled()) {
      // Every instance watches (a standby keeps its copy warm); only the leader runs the rest.
      activeSet[0] = new LeadershipTerms(ledgerClient, layout, instance, readiness, active);
      deployed =
          deployed
              .compose(
                  id -> vertx.deployVerticle(new ZkWatchVerticle(client, layout, readiness, false)))
              .compose(id -> vertx.deployVerticle(activeSet[0]));
    } else {
      for (Deployable verticle : active.apply(null)) {
        deployed = deployed.compose(id -> vertx.deployVerticle(verticle));
      }
      deployed =
          deployed
              .compose(id -> vertx.deployVerticle(new ZkWatchVerticle(client, layout, readiness)))
              .compose(
                  id ->
                      vertx.deployVerticle(
                          new UnclusteredPeersVerticle(
                              AsyncCuratorFramework.wrap(client),
                              layout,
                              instance,
                              UnclusteredPeersVerticle.RECHECK)));
    }
    Monitor monitor =
        new Monitor(embedded, List.of(client, ledgerClient), vertx, readiness, health, connect);
    try {
      deployed.await(zk.connectionTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      monitor.close();
      throw e;
    }
    log.info(
        "Monitoring {}{} with {} receiver(s); health on port {}{}",
        connect,
        layout.root(),
        receivers.size(),
        health.actualPort(),
        cluster.enabled() ? "; in a cluster as " + instance + ", standing by until elected" : "");
    return monitor;
  }

  /** This host's name, as operators know it; resolved once, at start-up, off any event loop. */
  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String fromEnv = System.getenv("HOSTNAME");
      return fromEnv == null || fromEnv.isBlank() ? "unknown-host" : fromEnv;
    }
  }

  /** Flap detection, between the classifier and the host-level inhibition. */
  public static StageVerticle flapping(FlappingConfig config, Clock clock) {
    return new StageVerticle(
        Addresses.CLASSIFIED, Addresses.FLAPPING_CHECKED, new Flapping(config, clock), clock);
  }

  /** Host-level inhibition, between the flap detection and the ledger. */
  public static StageVerticle hostInhibition(HostDownConfig config, Clock clock) {
    return new StageVerticle(
        Addresses.FLAPPING_CHECKED,
        Addresses.TRANSITIONS,
        new HostInhibition(config, clock),
        clock);
  }

  /**
   * @param leaderSession whether the session holds leadership: then only its loss, not a suspension
   *     of the connection, counts as an error for Curator's recipes
   */
  private static CuratorFramework curator(String connect, ZkConfig zk, boolean leaderSession) {
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs((int) zk.sessionTimeout().toMillis())
            .connectionTimeoutMs((int) zk.connectionTimeout().toMillis())
            .retryPolicy(new ExponentialBackoffRetry(100, 5, 2000));
    if (leaderSession) {
      builder.connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy());
    }
    CuratorFramework client = builder.build();
    client.start();
    return client;
  }

  /** One notifier per receiver, with the channel of its type. */
  private static NotifierVerticle notifier(ReceiverConfig receiver, String externalUrl) {
    if (receiver instanceof WebhookReceiverConfig webhook) {
      return WebhookChannel.notifier(webhook, externalUrl);
    }
    if (receiver instanceof MailReceiverConfig mail) {
      return MailChannel.notifier(mail);
    }
    if (receiver instanceof RobotReceiverConfig robot) {
      return RobotChannel.notifier(robot);
    }
    throw new IllegalArgumentException("no channel for receivers of type " + receiver.type());
  }

  private static JsonObject status(Readiness readiness, Map<String, NotifierVerticle> notifiers) {
    JsonObject receivers = new JsonObject();
    // A standby sends nothing: the counters of a term it has lost would only mislead.
    if (readiness.role() != Readiness.Role.STANDBY) {
      notifiers.forEach((name, notifier) -> receivers.put(name, notifier.stats().toJson()));
    }
    return new JsonObject()
        .put("ready", readiness.ready())
        .put("role", readiness.role().name().toLowerCase(java.util.Locale.ROOT))
        .put("waitingFor", readiness.waitingFor())
        .put("receivers", receivers);
  }

  public Readiness readiness() {
    return readiness;
  }

  public int httpPort() {
    return health.actualPort();
  }

  public String zkConnect() {
    return zkConnect;
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    clients.forEach(CuratorFramework::close);
    if (embedded != null) {
      embedded.close();
    }
  }
}
