package io.flumesentinel.monitor;

import io.flumesentinel.ack.AckIndex;
import io.flumesentinel.alert.MetaAlertVerticle;
import io.flumesentinel.alert.Router;
import io.flumesentinel.config.BusyPort;
import io.flumesentinel.config.ClusterConfig;
import io.flumesentinel.config.ConfigException;
import io.flumesentinel.config.MailReceiverConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.ReceiverConfig;
import io.flumesentinel.config.ReceiverOptions;
import io.flumesentinel.config.RobotReceiverConfig;
import io.flumesentinel.config.RunbookTemplate;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.dashboard.Dashboard;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.event.OwnThread;
import io.flumesentinel.ha.ClusteredVertx;
import io.flumesentinel.ha.LeadershipTerms;
import io.flumesentinel.ha.UnclusteredPeersVerticle;
import io.flumesentinel.history.HistoryStore;
import io.flumesentinel.history.HistoryWriterVerticle;
import io.flumesentinel.http.AgentsApi;
import io.flumesentinel.http.HistoryApi;
import io.flumesentinel.http.HttpServerVerticle;
import io.flumesentinel.http.ReadApi;
import io.flumesentinel.http.Routes;
import io.flumesentinel.http.WriteApi;
import io.flumesentinel.logging.NonBlockingAsyncAppender;
import io.flumesentinel.metrics.MonitorMetrics;
import io.flumesentinel.notify.NotifierStats;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.notify.mail.MailChannel;
import io.flumesentinel.notify.robot.RobotChannel;
import io.flumesentinel.notify.webhook.WebhookChannel;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.silence.Silence;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.silence.SilenceRules;
import io.flumesentinel.silence.Silences;
import io.flumesentinel.zk.EmbeddedZooKeeper;
import io.flumesentinel.zk.ZkClients;
import io.flumesentinel.zk.ZkSecurity;
import io.flumesentinel.zk.ZkWatchVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running monitor: the ZooKeeper clients (and the embedded server when none is configured),
 * Vert.x, the HTTP server and the {@link AlertPipeline}, deployed HTTP first, then the pipeline in
 * its own order (consumers first, the watch last).
 *
 * <p>With {@code cluster} enabled, Vert.x is clustered on the same ZooKeeper and every instance
 * runs the HTTP server, silences and the watch, while {@link LeadershipTerms} runs the pipeline's
 * active stages on the elected leader only.
 */
public final class Monitor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Monitor.class);

  private final EmbeddedZooKeeper embedded;
  private final List<CuratorFramework> clients;
  private final Vertx vertx;
  private final Readiness readiness;
  private final HttpServerVerticle http;
  private final String zkConnect;
  private final HistoryStore history;
  private final StormRehearsal rehearsal;

  private Monitor(
      EmbeddedZooKeeper embedded,
      List<CuratorFramework> clients,
      Vertx vertx,
      Readiness readiness,
      HttpServerVerticle http,
      String zkConnect,
      HistoryStore history,
      StormRehearsal rehearsal) {
    this.embedded = embedded;
    this.clients = clients;
    this.vertx = vertx;
    this.readiness = readiness;
    this.http = http;
    this.zkConnect = zkConnect;
    this.history = history;
    this.rehearsal = rehearsal;
  }

  /**
   * Starts a monitor and returns once every verticle is deployed (not necessarily ready); or, when
   * ZooKeeper cannot be reached (single mode), once the HTTP server, the notifiers and the watch of
   * the connection run: the rest is deployed when ZooKeeper is there, and meanwhile the monitor
   * answers not ready and alerts on the missing ZooKeeper after the session timeout.
   */
  public static Monitor start(MonitorConfig config, Clock clock) throws Exception {
    AtomicReference<HistoryStore> opened = new AtomicReference<>();
    try {
      return start(config, clock, opened);
    } catch (Exception | Error e) {
      if (opened.get() != null) {
        opened.get().close();
      }
      throw e;
    }
  }

  /**
   * @param opened set to the notification history once it is open, for the caller to close if the
   *     start fails later
   */
  private static Monitor start(
      MonitorConfig config, Clock clock, AtomicReference<HistoryStore> opened) throws Exception {
    ZkConfig zk = config.zookeeper();
    ClusterConfig cluster = config.cluster();
    if (zk.embedded() && zk.tls() != null) {
      throw new ConfigException(
          "zookeeper.tls", "needs zookeeper.connect: the embedded ZooKeeper listens without TLS");
    }
    EmbeddedZooKeeper embedded = null;
    String connect = zk.connect();
    if (zk.embedded()) {
      embedded = startEmbedded(zk);
      connect = embedded.connectString();
      log.warn(embedded.banner());
    }
    // The notification history (docs/history.md), before anything runs: a directory another
    // monitor holds fails the start at once.
    HistoryStore history;
    try {
      history = config.history().enabled() ? HistoryStore.open(config.history().dir()) : null;
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
    opened.set(history);
    if (zk.access().acl() == null) {
      log.warn(
          "No zookeeper.acl configured: the znodes under {} are created open to anyone"
              + " (world:anyone, all rights), so whoever reaches ZooKeeper can forge or remove"
              + " registrations, silences and alerts (see docs/security.md)",
          zk.root());
    }
    String clusterPath = cluster.enabled() ? cluster.zookeeperPath(zk.root()) : null;
    CuratorFramework client = curator(connect, zk, clusterPath, false);
    // The ledger writes on a session of its own (see AlertPipeline.Builder#ledgerClient). In a
    // cluster the same session holds leadership, which only its loss gives up.
    CuratorFramework ledgerClient = curator(connect, zk, clusterPath, cluster.enabled());
    // Vert.x's own metrics are set when it is created.
    MonitorMetrics metrics = new MonitorMetrics();
    Vertx vertx;
    try {
      vertx =
          cluster.enabled()
              ? ClusteredVertx.start(connect, zk, cluster, metrics::vertxBuilder)
              : metrics.vertxBuilder(new VertxOptions()).build();
    } catch (Exception e) {
      client.close();
      ledgerClient.close();
      if (embedded != null) {
        embedded.close();
      }
      if (BusyPort.isCause(e)) {
        String host = cluster.host() == null ? "this host" : cluster.host();
        throw BusyPort.error("cluster.port", null, host + ":" + cluster.port());
      }
      throw e;
    }
    LocalCodec.registerAll(vertx);
    Readiness readiness = new Readiness(connect);
    ZkLayout layout = zk.layout();
    List<String> receivers = config.receivers().stream().map(ReceiverConfig::name).toList();
    SilenceIndex silences =
        new SilenceIndex(clock, new SilenceRules(config.silences().maxDuration()));
    AckIndex acks = new AckIndex();
    String monitorName = hostName();
    String instance = monitorName + ":" + UUID.randomUUID().toString().substring(0, 8);
    AtomicReference<LeadershipTerms> terms = new AtomicReference<>();
    // The configured externalUrl, else the dashboard's address once the HTTP server listens.
    AtomicReference<String> externalUrl = new AtomicReference<>(config.externalUrl());

    AlertPipeline.Builder builder =
        AlertPipeline.builder(client, layout)
            .ledgerClient(ledgerClient)
            .readiness(readiness)
            .silences(silences)
            .acks(acks)
            .receivers(receivers, router(config, receivers))
            .notifiers(() -> observed(notifiers(config, externalUrl.get()), metrics))
            .clock(clock)
            .classifier(config.classifier(), zk.sessionTimeout().plus(zk.connectionTimeout()))
            .externalUrl(externalUrl::get)
            .shaping(config.flapping(), config.hostDown())
            .classificationTimes(metrics.classificationTimes())
            .groupDegraded(config.groupDegraded())
            .stateRequests(
                new AlertPipeline.StateRequests(
                    monitorName, () -> terms.get() == null ? -1 : terms.get().epoch()));
    if (!cluster.enabled()) {
      // In a cluster the leader loses its term with its session, just when this alert would fire
      // (and could never be resolved): a standby takes over instead, and a cluster with no monitor
      // connected shows as no replica ready.
      builder.zooKeeperLoss(
          new AlertPipeline.ZooKeeperLoss(monitorName, connect, zk.sessionTimeout()));
    }
    builder.metaAlerts(metaAlerts(config, monitorName));
    AlertPipeline pipeline = builder.build();
    metrics.bind(
        new MonitorMetrics.Sources(
            readiness,
            cluster.enabled(),
            receivers,
            () -> notifierStats(pipeline),
            pipeline::firingAlerts,
            pipeline::ledgerRecordsDropped));
    HttpServerVerticle http =
        new HttpServerVerticle(
            config.http(),
            readiness,
            () -> status(readiness, pipeline, silences),
            Routes.all(
                new ReadApi(client, layout, silences, acks),
                new AgentsApi(client, layout, silences, acks),
                new WriteApi(client, layout, silences),
                new HistoryApi(history),
                metrics,
                new Dashboard(clock)));

    Monitor monitor =
        new Monitor(
            embedded,
            List.of(client, ledgerClient),
            vertx,
            readiness,
            http,
            connect,
            history,
            new StormRehearsal(
                config.classifier(),
                config.flapping(),
                config.groupDegraded(),
                config.hostDown(),
                receivers,
                router(config, receivers),
                externalUrl::get));
    long startupMs = zk.connectionTimeout().toMillis() + 30_000;
    boolean reached = true;
    try {
      if (history != null) {
        // Before anything publishes: every transition and delivery attempt is kept.
        vertx
            .deployVerticle(
                new HistoryWriterVerticle(
                    history, config.history(), clock, HistoryWriterVerticle.RETENTION_CHECK))
            .await(startupMs, TimeUnit.MILLISECONDS);
      }
      vertx.deployVerticle(http).await(startupMs, TimeUnit.MILLISECONDS);
      if (config.externalUrl().isEmpty()) {
        externalUrl.set(config.http().selfUrl(http.actualPort(), monitorName));
      }
      metrics.deploy(vertx).await(startupMs, TimeUnit.MILLISECONDS);
      if (cluster.enabled()) {
        // Every instance watches (a standby keeps its copy warm) and loads the silences (so that
        // /api/silences answers on standbys too); only the leader runs the active stages.
        terms.set(
            new LeadershipTerms(ledgerClient, layout, instance, readiness, pipeline::activeStages));
        vertx
            .deployVerticle(pipeline.silences())
            .compose(id -> vertx.deployVerticle(pipeline.acks()))
            .compose(
                id -> {
                  ZkWatchVerticle watch = pipeline.watch(false);
                  return vertx.deployVerticle(watch, OwnThread.deploymentOptions(watch));
                })
            .compose(id -> vertx.deployVerticle(terms.get()))
            .await(startupMs, TimeUnit.MILLISECONDS);
      } else {
        AlertPipeline.Deployment deployment = pipeline.deploySingle(vertx);
        deployment
            .watching()
            .compose(
                watching ->
                    vertx.deployVerticle(
                        new UnclusteredPeersVerticle(
                            AsyncCuratorFramework.wrap(client),
                            layout,
                            instance,
                            UnclusteredPeersVerticle.RECHECK)))
            .await(startupMs, TimeUnit.MILLISECONDS);
        reached = awaitPipeline(deployment, client, zk, startupMs);
      }
    } catch (Exception e) {
      monitor.close();
      throw e;
    }
    if (zk.access().acl() != null) {
      ZkSecurity.checkExistingAcls(client, layout, warning -> log.warn("{}", warning));
    }
    log.info(
        "Monitoring {}{} with {} receiver(s); health on port {}{}",
        connect,
        layout.root(),
        receivers.size(),
        http.actualPort(),
        cluster.enabled()
            ? "; in a cluster as " + instance + ", standing by until elected"
            : reached ? "" : "; not ready until ZooKeeper can be reached");
    return monitor;
  }

  /**
   * The embedded server, or the config error that says which key to change when its port or its
   * data directory is taken, typically by another monitor started in the same directory.
   */
  private static EmbeddedZooKeeper startEmbedded(ZkConfig zk) throws Exception {
    try {
      return EmbeddedZooKeeper.start(zk.embeddedPort(), zk.embeddedDataDir());
    } catch (EmbeddedZooKeeper.DirectoryInUse e) {
      throw new ConfigException(
          "zookeeper.embedded.dataDir",
          e.getMessage()
              + ": stop that monitor, or give this one another directory with"
              + " zookeeper.embedded.dataDir (or run it from another directory)");
    } catch (java.io.IOException e) {
      if (BusyPort.isCause(e)) {
        throw BusyPort.error(
            "zookeeper.embedded.port", "--embedded-zk-port", "127.0.0.1:" + zk.embeddedPort());
      }
      throw e;
    }
  }

  /**
   * Waits until the whole pipeline runs, if ZooKeeper can be reached. If it cannot (within the
   * connection timeout, or it went away during the start-up), the monitor runs on without waiting:
   * not ready, alerting on the lost ZooKeeper, and it starts watching once ZooKeeper is there.
   *
   * @return whether the pipeline runs
   * @throws Exception when the pipeline failed for another reason than ZooKeeper being away
   */
  private static boolean awaitPipeline(
      AlertPipeline.Deployment deployment, CuratorFramework client, ZkConfig zk, long startupMs)
      throws Exception {
    boolean connected =
        client.blockUntilConnected((int) zk.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS);
    if (connected) {
      try {
        deployment.complete().await(startupMs, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        if (client.getZookeeperClient().isConnected()) {
          throw e;
        }
      }
    }
    log.warn(
        "ZooKeeper at {} cannot be reached (connection timeout {} ms): running, not ready, and"
            + " watching once it can be reached",
        client.getZookeeperClient().getCurrentConnectionString(),
        zk.connectionTimeout().toMillis());
    deployment
        .complete()
        .onFailure(error -> log.error("The monitor cannot start watching: {}", error.toString()));
    return false;
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

  /**
   * @param leaderSession whether the session holds leadership: then only its loss, not a suspension
   *     of the connection, counts as an error for Curator's recipes
   */
  private static CuratorFramework curator(
      String connect, ZkConfig zk, String clusterPath, boolean leaderSession) {
    CuratorFrameworkFactory.Builder builder =
        ZkSecurity.apply(
            CuratorFrameworkFactory.builder()
                .connectString(connect)
                .sessionTimeoutMs((int) zk.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) zk.connectionTimeout().toMillis())
                .retryPolicy(retryPolicy()),
            ZkClients.clientConfig(zk.tls()),
            zk.access(),
            zk.layout(),
            clusterPath);
    if (leaderSession) {
      builder.connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy());
    }
    CuratorFramework client = builder.build();
    client.start();
    return client;
  }

  /**
   * How the monitor's ZooKeeper clients retry an operation; the storm rehearsal's clients retry the
   * same way, so that the code the JVM compiles there is the code the monitor's clients run.
   */
  static RetryPolicy retryPolicy() {
    return new ExponentialBackoffRetry(100, 5, 2000);
  }

  /** The Watchdog and the fallbacks of the receivers that name one. */
  private static AlertPipeline.MetaAlerts metaAlerts(MonitorConfig config, String monitorName) {
    Map<String, MetaAlertVerticle.Fallback> fallbacks = new LinkedHashMap<>();
    for (ReceiverConfig receiver : config.receivers()) {
      ReceiverOptions options = receiver.options();
      if (options.fallback() != null) {
        fallbacks.put(
            receiver.name(),
            new MetaAlertVerticle.Fallback(
                options.fallback(),
                options.failingAfter() != null
                    ? options.failingAfter()
                    : config.receiverFailing().after()));
      }
    }
    return new AlertPipeline.MetaAlerts(config.watchdog(), fallbacks, monitorName);
  }

  /** The routes, linking runbooks as the routes, the receivers and {@code annotations} say. */
  private static Router router(MonitorConfig config, List<String> receivers) {
    Map<String, RunbookTemplate> byReceiver = new LinkedHashMap<>();
    for (ReceiverConfig receiver : config.receivers()) {
      if (receiver.options().runbookUrl() != null) {
        byReceiver.put(receiver.name(), receiver.options().runbookUrl());
      }
    }
    return Router.of(config.route(), receivers)
        .withRunbooks(config.annotations().runbookUrl(), byReceiver);
  }

  /** One notifier per receiver, with the channel of its type, in the order of the config. */
  private static Map<String, NotifierVerticle> notifiers(MonitorConfig config, String externalUrl) {
    Map<String, NotifierVerticle> notifiers = new LinkedHashMap<>();
    for (ReceiverConfig receiver : config.receivers()) {
      notifiers.put(receiver.name(), notifier(receiver, externalUrl));
    }
    return notifiers;
  }

  /**
   * The notifiers, each telling the metrics how long its receiver takes to accept (also the storm
   * rehearsal's, so that it runs what the monitor runs).
   */
  static Map<String, NotifierVerticle> observed(
      Map<String, NotifierVerticle> notifiers, MonitorMetrics metrics) {
    notifiers.forEach((name, n) -> n.stats().onDeliveryTime(metrics.deliveryTimes(name)));
    return notifiers;
  }

  private static Map<String, NotifierStats> notifierStats(AlertPipeline pipeline) {
    Map<String, NotifierStats> stats = new LinkedHashMap<>();
    pipeline.notifiers().forEach((name, notifier) -> stats.put(name, notifier.stats()));
    return stats;
  }

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

  private static JsonObject status(
      Readiness readiness, AlertPipeline pipeline, SilenceIndex silenceIndex) {
    JsonObject receivers = new JsonObject();
    // A standby sends nothing: the counters of a term it has lost would only mislead.
    boolean active = readiness.role() != Readiness.Role.STANDBY;
    if (active) {
      pipeline
          .notifiers()
          .forEach((name, notifier) -> receivers.put(name, notifier.stats().toJson()));
    }
    return new JsonObject()
        .put("ready", readiness.ready())
        .put("role", readiness.role().name().toLowerCase(java.util.Locale.ROOT))
        .put("waitingFor", readiness.waitingFor())
        .put("receivers", receivers)
        .put("logLinesDropped", NonBlockingAsyncAppender.droppedLines())
        .put("ledgerRecordsDropped", active ? pipeline.ledgerRecordsDropped() : 0)
        .put("silences", silenceCounts(silenceIndex));
  }

  /** How many silences are active and pending, and how many were refused as invalid. */
  private static JsonObject silenceCounts(SilenceIndex index) {
    Silences current = index.current();
    java.time.Instant now = index.clock().instant();
    return new JsonObject()
        .put("active", current.inState(Silence.State.ACTIVE, now).size())
        .put("pending", current.inState(Silence.State.PENDING, now).size())
        .put("invalid", current.invalid().size());
  }

  /**
   * Plays a storm of made-up losses through this monitor's decision code, on a thread of its own,
   * so that the JVM compiles it before a real storm ({@link StormRehearsal}), once the monitor is
   * ready; returns at once. The command line does it once the monitor has started.
   */
  public void rehearseStormInBackground() {
    rehearsal.startInBackground(vertx, readiness::ready);
  }

  public Readiness readiness() {
    return readiness;
  }

  public int httpPort() {
    return http.actualPort();
  }

  public String zkConnect() {
    return zkConnect;
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    if (rehearsal != null) {
      rehearsal.stop();
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    clients.forEach(CuratorFramework::close);
    if (history != null) {
      history.close();
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
