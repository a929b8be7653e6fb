package io.flumesentinel;

import io.flumesentinel.alert.AlertLedgerVerticle;
import io.flumesentinel.alert.Router;
import io.flumesentinel.alert.ZooKeeperLossVerticle;
import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.classify.ClassifierVerticle;
import io.flumesentinel.classify.ZkAgentNodeReader;
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
import io.flumesentinel.http.HealthVerticle;
import io.flumesentinel.http.ReadApi;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.notify.mail.MailChannel;
import io.flumesentinel.notify.robot.RobotChannel;
import io.flumesentinel.notify.webhook.WebhookChannel;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.shape.Flapping;
import io.flumesentinel.shape.HostInhibition;
import io.flumesentinel.shape.StageVerticle;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.silence.SilenceVerticle;
import io.flumesentinel.zk.EmbeddedZooKeeper;
import io.flumesentinel.zk.ZkBatchReader;
import io.flumesentinel.zk.ZkWatchVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running monitor: the ZooKeeper client (and the embedded server when none is configured),
 * Vert.x, and the verticles, deployed consumers first so that nothing is published before someone
 * listens: health, notifiers, silences (loaded before the ledger, which consults them), ledger, the
 * ZooKeeper-loss alert, host-level inhibition, flap detection, classifier, and last the watch that
 * starts the flow.
 */
public final class Monitor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Monitor.class);

  private final EmbeddedZooKeeper embedded;
  private final List<CuratorFramework> clients;
  private final Vertx vertx;
  private final Readiness readiness;
  private final HealthVerticle health;
  private final String zkConnect;

  private Monitor(
      EmbeddedZooKeeper embedded,
      List<CuratorFramework> clients,
      Vertx vertx,
      Readiness readiness,
      HealthVerticle health,
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
    EmbeddedZooKeeper embedded = null;
    String connect = zk.connect();
    if (zk.embedded()) {
      embedded = EmbeddedZooKeeper.start(zk.embeddedPort(), zk.embeddedDataDir());
      connect = embedded.connectString();
      log.warn(embedded.banner());
    }
    CuratorFramework client = curator(connect, zk);
    // The ledger writes on a session of its own: ZooKeeper answers a session's reads only after its
    // earlier writes are committed, and the classifier's reads must not wait behind the ledger's
    // fsyncs.
    CuratorFramework ledgerClient = curator(connect, zk);
    Vertx vertx = Vertx.vertx();
    LocalCodec.registerAll(vertx);
    Readiness readiness = new Readiness();
    ZkLayout layout = zk.layout();
    AsyncCuratorFramework async = AsyncCuratorFramework.wrap(client);
    AsyncCuratorFramework ledgerZk = AsyncCuratorFramework.wrap(ledgerClient);

    Map<String, NotifierVerticle> notifiers = new LinkedHashMap<>();
    for (ReceiverConfig receiver : config.receivers()) {
      notifiers.put(receiver.name(), notifier(receiver, config.externalUrl()));
    }
    SilenceIndex silences = new SilenceIndex(clock);
    HealthVerticle health =
        new HealthVerticle(
            config.http(),
            readiness,
            () -> status(readiness, notifiers),
            new ReadApi(client, layout, silences));
    List<String> receivers = List.copyOf(notifiers.keySet());
    Duration readTimeout = zk.sessionTimeout().plus(zk.connectionTimeout());

    Future<?> deployed = vertx.deployVerticle(health);
    for (NotifierVerticle notifier : notifiers.values()) {
      deployed = deployed.compose(id -> vertx.deployVerticle(notifier));
    }
    Router router = Router.of(config.route(), receivers);
    String monitorName = hostName();
    String connected = connect;
    Monitor monitor =
        new Monitor(embedded, List.of(client, ledgerClient), vertx, readiness, health, connect);
    try {
      deployed
          .compose(
              id ->
                  vertx.deployVerticle(
                      new SilenceVerticle(client, layout, silences, SilenceVerticle.RETENTION)))
          .compose(
              id ->
                  vertx.deployVerticle(
                      new AlertLedgerVerticle(
                          ledgerZk,
                          layout,
                          receivers,
                          router,
                          readiness,
                          silences,
                          clock,
                          AlertLedgerVerticle.REPEAT_RECHECK)))
          .compose(
              id ->
                  vertx.deployVerticle(
                      new ZooKeeperLossVerticle(
                          monitorName, connected, zk.sessionTimeout(), router, clock)))
          .compose(id -> vertx.deployVerticle(hostInhibition(config.hostDown(), clock)))
          .compose(id -> vertx.deployVerticle(flapping(config.flapping(), clock)))
          .compose(
              id ->
                  vertx.deployVerticle(
                      new ClassifierVerticle(
                          config.classifier(),
                          context ->
                              new ZkAgentNodeReader(
                                  new ZkBatchReader(client, context), layout, context, readTimeout),
                          new AgentAlerts(config.externalUrl()),
                          clock)))
          .compose(id -> vertx.deployVerticle(new ZkWatchVerticle(client, layout, readiness)))
          .await(zk.connectionTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      monitor.close();
      throw e;
    }
    log.info(
        "Monitoring {}{} with {} receiver(s); health on port {}",
        connect,
        layout.root(),
        receivers.size(),
        health.actualPort());
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

  private static CuratorFramework curator(String connect, ZkConfig zk) {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs((int) zk.sessionTimeout().toMillis())
            .connectionTimeoutMs((int) zk.connectionTimeout().toMillis())
            .retryPolicy(new ExponentialBackoffRetry(100, 5, 2000))
            .build();
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
    notifiers.forEach((name, notifier) -> receivers.put(name, notifier.stats().toJson()));
    return new JsonObject()
        .put("ready", readiness.ready())
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
