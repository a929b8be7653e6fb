package io.flumesentinel.notify.webhook;

import static io.flumesentinel.testing.TestAlerts.firing;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.flumesentinel.config.BackoffConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.notify.NotifierStats;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.notify.webhook.TestReceiver.Request;
import io.flumesentinel.testing.TestAlerts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class WebhookNotifierVerticleTest {

  private static final String RECEIVER = "ops";
  private static final String EXTERNAL_URL = "http://sentinel.example:8080";
  private static final Duration WAIT = Duration.ofSeconds(5);

  private Vertx vertx;
  private Context sender;
  private TestReceiver primary;
  private TestReceiver secondary;
  private final List<Delivered> delivered = new CopyOnWriteArrayList<>();
  private CapturedLogs logs;

  @BeforeEach
  void startReceivers(Vertx vertx, VertxTestContext test) {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    // One context for every publish, so that alerts reach the notifier in the order the
    // test sends them.
    sender = vertx.getOrCreateContext();
    vertx
        .eventBus()
        .<Delivered>localConsumer(Addresses.DELIVERED, message -> delivered.add(message.body()));
    logs = CapturedLogs.of(NotifierVerticle.class);
    Future.all(TestReceiver.start(vertx), TestReceiver.start(vertx))
        .onComplete(
            test.succeeding(
                started -> {
                  primary = started.resultAt(0);
                  secondary = started.resultAt(1);
                  test.completeNow();
                }));
  }

  @AfterEach
  void detachLogs() {
    logs.detach();
  }

  @Test
  void anAlertArrivingWhenIdleIsSentAtOnceAsAnAlertmanagerWebhook() throws Exception {
    NotifierVerticle notifier = deploy(config(List.of(primary.url())));
    Alert alert = firing("a1");

    publish(alert);

    await().atMost(WAIT).until(() -> delivered.size() == 1);
    Request request = primary.requests().get(0);
    JsonObject body = request.body();
    assertThat(body.getString("version")).isEqualTo("4");
    assertThat(body.getString("receiver")).isEqualTo(RECEIVER);
    assertThat(body.getString("status")).isEqualTo("firing");
    assertThat(body.getString("externalURL")).isEqualTo(EXTERNAL_URL);
    assertThat(body.getString("groupKey")).isEqualTo("{}:{alertname=\"FlumeAgentDown\"}");
    assertThat(body.getInteger("truncatedAlerts")).isZero();
    assertThat(body.getJsonArray("alerts")).containsExactly(alert.toJson());
    assertThat(request.contentType()).isEqualTo("application/json");
    assertThat(request.userAgent()).isEqualTo("flume-sentinel");
    assertThat(delivered.get(0)).isEqualTo(new Delivered(RECEIVER, List.of(alert)));
    assertThat(primary.requests()).hasSize(1);
    assertThat(notifier.stats().requests()).isEqualTo(1);
    assertThat(notifier.stats().delivered()).isEqualTo(1);
    assertThat(notifier.stats().queued()).isZero();
  }

  @Test
  void alertsArrivingWhileARequestIsInFlightGoTogetherInTheNextRequestInOrder() throws Exception {
    primary.delay(150);
    deploy(config(List.of(primary.url())));
    List<Alert> burst = alerts(41);

    publish(burst.toArray(Alert[]::new));

    await().atMost(WAIT).until(() -> primary.acceptedAgents().size() == burst.size());
    assertThat(primary.acceptedAgents()).isEqualTo(agents(burst));
    assertThat(primary.requests().get(0).alerts()).containsExactly(burst.get(0));
    assertThat(primary.requests()).hasSizeBetween(2, 3);
  }

  @Test
  void aBatchNeverHoldsMoreThanMaxBatchAlerts() throws Exception {
    List<Alert> burst = burstDeliveredInBatchesOfTen(50);

    assertThat(primary.acceptedAgents()).isEqualTo(agents(burst));
    assertThat(primary.requests())
        .allSatisfy(request -> assertThat(request.alerts()).hasSizeLessThanOrEqualTo(10));
  }

  @Test
  void requestsFollowingEachOtherReuseOneConnection() throws Exception {
    burstDeliveredInBatchesOfTen(20);

    assertThat(primary.requests()).hasSizeGreaterThanOrEqualTo(5);
    // A new connection costs a handshake, and tens of milliseconds on a busy machine in a storm:
    // the next batch waits for the connection the last one has just freed.
    assertThat(primary.connections()).isEqualTo(1);
  }

  /**
   * Publishes a burst of 41 alerts to a notifier of the primary receiver that sends at most 10 per
   * request, the receiver answering each after {@code receiverDelayMs}; returns the burst once the
   * receiver has accepted all of it.
   */
  private List<Alert> burstDeliveredInBatchesOfTen(long receiverDelayMs) throws Exception {
    primary.delay(receiverDelayMs);
    deploy(withMaxBatch(config(List.of(primary.url())), 10));
    List<Alert> burst = alerts(41);

    publish(burst.toArray(Alert[]::new));

    await().atMost(WAIT).until(() -> primary.acceptedAgents().size() == burst.size());
    return burst;
  }

  @Test
  void aReceiverFailingThenRecoveringGetsEverythingInOrderAndTheFailureIsLoggedOnce()
      throws Exception {
    primary.script(503, 503);
    NotifierVerticle notifier = deploy(config(List.of(primary.url())));
    List<Alert> alerts = alerts(5);

    publish(alerts.get(0), alerts.get(1));
    publish(alerts.get(2), alerts.get(3), alerts.get(4));

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 5);
    assertThat(primary.acceptedAgents()).isEqualTo(agents(alerts));
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(delivered).flatMap(Delivered::alerts).isEqualTo(alerts));
    NotifierStats stats = notifier.stats();
    assertThat(stats.retries()).isEqualTo(2);
    assertThat(stats.dropped()).isZero();
    assertThat(stats.lastError()).contains("HTTP 503");
    assertThat(logs.at(Level.WARN, "HTTP 503")).hasSize(1);
    assertThat(logs.at(Level.INFO, "accepts alerts again")).hasSize(1);
  }

  @Test
  void theBackOffGrowsWhileFailingAndStartsAgainFromTheInitialDelayAfterASuccess()
      throws Exception {
    BackoffConfig steep = new BackoffConfig(Duration.ofMillis(20), Duration.ofSeconds(10), 10.0, 0);
    NotifierVerticle notifier = deploy(withBackoff(config(List.of(primary.url())), steep));
    primary.script(503, 503);

    publish(firing("a"));
    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 1);
    primary.script(503);
    publish(firing("b"));
    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 2);

    List<Long> gaps = gapsMillis(primary.requests());
    // Requests: a fails, +20 ms a fails, +200 ms a succeeds, b fails, then b again after
    // the reset delay.
    assertThat(gaps.get(0)).isGreaterThanOrEqualTo(20);
    assertThat(gaps.get(1)).isGreaterThanOrEqualTo(200);
    // Without the reset this delay would be 2 s; anything near 20 ms proves it.
    assertThat(gaps.get(3)).isGreaterThanOrEqualTo(20).isLessThan(1000);
    assertThat(primary.acceptedAgents()).containsExactly("a", "b");
  }

  @Test
  void whenTheFirstUrlRefusesConnectionsTheSecondGetsEveryAlertInOrder() throws Exception {
    NotifierVerticle notifier =
        deploy(config(List.of(TestReceiver.refusingUrl(), secondary.url())));
    List<Alert> alerts = alerts(10);

    publish(alerts.subList(0, 3).toArray(Alert[]::new));
    await().atMost(WAIT).until(() -> secondary.acceptedAgents().size() == 3);
    publish(alerts.subList(3, 10).toArray(Alert[]::new));

    await().atMost(WAIT).until(() -> secondary.acceptedAgents().size() == 10);
    assertThat(secondary.acceptedAgents()).isEqualTo(agents(alerts));
    // Each batch tried the first URL again before failing over: one refused attempt
    // per delivered request.
    assertThat(notifier.stats().retries()).isEqualTo(secondary.accepted().size());
    assertThat(notifier.stats().lastError()).contains("Connection refused");
    assertThat(logs.at(Level.WARN, "Connection refused")).hasSize(1);
  }

  @Test
  void aPermanentRefusalIsLoggedCountedAndDoesNotHoldLaterAlertsBack() throws Exception {
    primary.script(400);
    NotifierVerticle notifier = deploy(config(List.of(primary.url(), secondary.url())));

    publish(firing("refused"));
    await().atMost(WAIT).until(() -> notifier.stats().rejected() == 1);
    publish(firing("next"));

    await().atMost(WAIT).until(() -> primary.acceptedAgents().equals(List.of("next")));
    assertThat(primary.requests()).hasSize(2);
    assertThat(secondary.requests()).as("a permanent refusal is not failed over").isEmpty();
    assertThat(notifier.stats().retries()).isZero();
    assertThat(notifier.stats().lastError()).contains("HTTP 400");
    assertThat(logs.at(Level.ERROR, "HTTP 400: " + TestReceiver.REFUSAL))
        .singleElement()
        .asString()
        .contains("FlumeAgentDown.refused");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(delivered)
                    .flatMap(Delivered::alerts)
                    .extracting(Alert::agent)
                    .containsExactly("next"));
  }

  @Test
  void aHangingReceiverTimesOutAndTheNextUrlGetsTheAlert() throws Exception {
    primary.answer(TestReceiver.HANG);
    NotifierVerticle notifier =
        deploy(
            withRequestTimeout(
                config(List.of(primary.url(), secondary.url())), Duration.ofMillis(300)));

    publish(firing("a"));

    await().atMost(WAIT).until(() -> secondary.acceptedAgents().equals(List.of("a")));
    assertThat(primary.requests()).hasSize(1);
    assertThat(notifier.stats().retries()).isEqualTo(1);
    assertThat(notifier.stats().lastError()).containsIgnoringCase("timeout");
  }

  @Test
  void aFullQueueDropsTheOldestWaitingTransitionsCountsAndLogsThem() throws Exception {
    primary.script(TestReceiver.HANG);
    WebhookReceiverConfig small =
        withRequestTimeout(withCapacity(config(List.of(primary.url())), 3), Duration.ofMillis(500));
    NotifierVerticle notifier = deploy(small);

    // "a" goes out at once and hangs; b and c wait; d and e push out the oldest waiting ones.
    publish(firing("a"), firing("b"), firing("c"), firing("d"), firing("e"));

    await().atMost(WAIT).until(() -> primary.acceptedAgents().size() == 3);
    assertThat(primary.acceptedAgents()).containsExactly("a", "d", "e");
    assertThat(notifier.stats().dropped()).isEqualTo(2);
    assertThat(logs.at(Level.WARN, "dropped")).hasSize(2);
    assertThat(logs.at(Level.WARN, "FlumeAgentDown.b")).hasSize(1);
    assertThat(logs.at(Level.WARN, "FlumeAgentDown.c")).hasSize(1);
  }

  /**
   * A storm of 20,000 losses (each agent its own host and group, so nothing rolls them up) sent at
   * once to a receiver that takes its time: with the default queue every one arrives, in order.
   * With the former default (10,000) the notifier dropped the oldest thousands, counted and logged
   * but never sent; a cold monitor's storm benchmark met it at 20,000 losses.
   */
  @Test
  void aStormOfTwentyThousandLossesReachesASlowReceiverWholeWithTheDefaultQueue() throws Exception {
    primary.delay(20);
    NotifierVerticle notifier = deploy(WebhookReceiverConfig.of(RECEIVER, List.of(primary.url())));
    List<Alert> storm = alerts(20_000);

    publish(storm.toArray(Alert[]::new));

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                primary.acceptedAgents().size() >= storm.size() || notifier.stats().dropped() > 0);
    assertThat(notifier.stats().dropped()).isZero();
    assertThat(primary.acceptedAgents()).isEqualTo(agents(storm));
    assertThat(logs.at(Level.WARN, "dropped")).isEmpty();
  }

  @Test
  void aReceiverWithoutUsableUrlsFailsToStartNamingIt() {
    WebhookReceiverConfig broken = config(List.of("ftp://alerts.example/hook"));

    Future<String> deployment = vertx.deployVerticle(WebhookChannel.notifier(broken, EXTERNAL_URL));

    await().atMost(WAIT).until(deployment::isComplete);
    assertThat(deployment.failed()).isTrue();
    assertThat(deployment.cause())
        .hasMessageContaining("'" + RECEIVER + "'")
        .hasMessageContaining("ftp://");
  }

  private NotifierVerticle deploy(WebhookReceiverConfig config) throws Exception {
    NotifierVerticle notifier = WebhookChannel.notifier(config, EXTERNAL_URL);
    vertx.deployVerticle(notifier).await(5, SECONDS);
    return notifier;
  }

  private void publish(Alert... alerts) {
    sender.runOnContext(
        v -> {
          for (Alert alert : alerts) {
            vertx.eventBus().send(Addresses.notify(RECEIVER), TestAlerts.notice(alert));
          }
        });
  }

  private static List<Alert> alerts(int count) {
    return IntStream.range(0, count).mapToObj(i -> firing("agent-" + i)).toList();
  }

  private static List<String> agents(List<Alert> alerts) {
    return alerts.stream().map(Alert::agent).toList();
  }

  private static List<Long> gapsMillis(List<Request> requests) {
    return IntStream.range(1, requests.size())
        .mapToObj(
            i -> (requests.get(i).arrivedNanos() - requests.get(i - 1).arrivedNanos()) / 1_000_000)
        .toList();
  }

  private static WebhookReceiverConfig config(List<String> urls) {
    return new WebhookReceiverConfig(
        RECEIVER,
        urls,
        Duration.ofMillis(500),
        Duration.ofSeconds(2),
        WebhookReceiverConfig.DEFAULT_MAX_BATCH,
        1000,
        new BackoffConfig(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0));
  }

  private static WebhookReceiverConfig withMaxBatch(WebhookReceiverConfig c, int maxBatch) {
    return new WebhookReceiverConfig(
        c.name(),
        c.urls(),
        c.connectTimeout(),
        c.requestTimeout(),
        maxBatch,
        c.queueCapacity(),
        c.backoff());
  }

  private static WebhookReceiverConfig withCapacity(WebhookReceiverConfig c, int capacity) {
    return new WebhookReceiverConfig(
        c.name(),
        c.urls(),
        c.connectTimeout(),
        c.requestTimeout(),
        c.maxBatch(),
        capacity,
        c.backoff());
  }

  private static WebhookReceiverConfig withRequestTimeout(
      WebhookReceiverConfig c, Duration timeout) {
    return new WebhookReceiverConfig(
        c.name(),
        c.urls(),
        c.connectTimeout(),
        timeout,
        c.maxBatch(),
        c.queueCapacity(),
        c.backoff());
  }

  private static WebhookReceiverConfig withBackoff(WebhookReceiverConfig c, BackoffConfig backoff) {
    return new WebhookReceiverConfig(
        c.name(),
        c.urls(),
        c.connectTimeout(),
        c.requestTimeout(),
        c.maxBatch(),
        c.queueCapacity(),
        backoff);
  }
}
