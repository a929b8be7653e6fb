package io.flumesentinel.testing;

import io.flumesentinel.ack.AckIndex;
import io.flumesentinel.alert.AlertLedgerVerticle;
import io.flumesentinel.alert.Router;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.event.Notice;
import io.flumesentinel.monitor.AlertPipeline;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.silence.SilenceIndex;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/**
 * The monitor's {@link AlertPipeline} as production assembles it (silences, ledger, host-level
 * inhibition, flap detection, classifier, watch) against a real ZooKeeper, with one receiver named
 * "test" (or the receivers given, with a route tree) that acknowledges everything it is handed (as
 * a webhook answering 200 would).
 */
public final class CoreHarness implements AutoCloseable {

  public static final String RECEIVER = "test";

  public final Vertx vertx = Vertx.vertx();
  public final CuratorFramework client;

  /** The ledger's own client, when it has one; {@code null}: it writes through {@link #client}. */
  public final CuratorFramework ledgerClient;

  public final Readiness readiness = new Readiness();
  public final SilenceIndex silences = new SilenceIndex(Clock.systemUTC());
  public final AckIndex acks = new AckIndex();

  /** What the receivers were handed, in order. */
  public final List<Alert> received = new CopyOnWriteArrayList<>();

  /** What each receiver was handed, in order. */
  public final Map<String, List<Alert>> receivedBy = new ConcurrentHashMap<>();

  /** What each receiver was handed, with the groups, in order. */
  public final Map<String, List<Notice>> noticesBy = new ConcurrentHashMap<>();

  /** What was published on the public alerts address. */
  public final List<JsonObject> published = new CopyOnWriteArrayList<>();

  /** Lifecycle events. */
  public final List<JsonObject> events = new CopyOnWriteArrayList<>();

  public CoreHarness(String connect, ZkLayout layout, ClassifierConfig classifier)
      throws Exception {
    this(connect, layout, classifier, List.of(RECEIVER), null);
  }

  /**
   * A harness whose ledger reads and writes through {@code ledgerClient}, a session of its own
   * (possibly to another server of the ensemble, or through a proxy), as production can configure
   * it; the harness closes that client.
   */
  public CoreHarness(
      String connect, CuratorFramework ledgerClient, ZkLayout layout, ClassifierConfig classifier)
      throws Exception {
    this(
        connect,
        ledgerClient,
        layout,
        classifier,
        List.of(RECEIVER),
        null,
        Clock.systemUTC(),
        AlertLedgerVerticle.REPEAT_RECHECK);
  }

  /**
   * @param route {@code null}: every alert to every receiver
   */
  public CoreHarness(
      String connect,
      ZkLayout layout,
      ClassifierConfig classifier,
      List<String> receivers,
      RouteConfig route)
      throws Exception {
    this(
        connect,
        layout,
        classifier,
        receivers,
        route,
        Clock.systemUTC(),
        AlertLedgerVerticle.REPEAT_RECHECK);
  }

  /**
   * @param ledgerClock the ledger's clock, for its repeats
   * @param repeatRecheck how often at most the ledger looks for repeats that are due
   */
  public CoreHarness(
      String connect,
      ZkLayout layout,
      ClassifierConfig classifier,
      List<String> receivers,
      RouteConfig route,
      Clock ledgerClock,
      Duration repeatRecheck)
      throws Exception {
    this(connect, null, layout, classifier, receivers, route, ledgerClock, repeatRecheck);
  }

  private CoreHarness(
      String connect,
      CuratorFramework ledgerClient,
      ZkLayout layout,
      ClassifierConfig classifier,
      List<String> receivers,
      RouteConfig route,
      Clock ledgerClock,
      Duration repeatRecheck)
      throws Exception {
    client = Zk.client(connect, Duration.ofSeconds(5));
    this.ledgerClient = ledgerClient;
    LocalCodec.registerAll(vertx);
    for (String receiver : receivers) {
      List<Alert> mine = receivedBy.computeIfAbsent(receiver, r -> new CopyOnWriteArrayList<>());
      List<Notice> notices = noticesBy.computeIfAbsent(receiver, r -> new CopyOnWriteArrayList<>());
      vertx
          .eventBus()
          .<Notice>consumer(
              Addresses.notify(receiver),
              m -> {
                Alert alert = m.body().alert();
                notices.add(m.body());
                mine.add(alert);
                received.add(alert);
                vertx
                    .eventBus()
                    .send(
                        Addresses.DELIVERED,
                        new Delivered(receiver, List.of(alert)),
                        new DeliveryOptions().setLocalOnly(true));
              });
    }
    vertx.eventBus().<JsonObject>consumer(Addresses.ALERTS, m -> published.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> events.add(m.body()));
    // The production assembly, with this harness's consumers in place of the notifiers.
    AlertPipeline.builder(client, layout)
        .ledgerClient(ledgerClient)
        .readiness(readiness)
        .silences(silences)
        .acks(acks)
        .receivers(receivers, Router.of(route, receivers))
        .ledgerTiming(ledgerClock, repeatRecheck)
        .classifier(classifier, Duration.ofSeconds(5))
        .externalUrl("http://monitor.test")
        .build()
        .deployAlwaysActive(vertx)
        .await(20, TimeUnit.SECONDS);
  }

  public List<Alert> receivedFor(String agent) {
    return received.stream().filter(a -> a.agent().equals(agent)).toList();
  }

  /** What {@code receiver} was handed about {@code agent}, in order. */
  public List<Alert> receivedBy(String receiver, String agent) {
    return receivedBy.getOrDefault(receiver, List.of()).stream()
        .filter(a -> a.agent().equals(agent))
        .toList();
  }

  public boolean sawEvent(String type, String agent) {
    return events.stream()
        .anyMatch(e -> e.getString("type").equals(type) && e.getString("agent").equals(agent));
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    client.close();
    if (ledgerClient != null) {
      ledgerClient.close();
    }
  }
}
