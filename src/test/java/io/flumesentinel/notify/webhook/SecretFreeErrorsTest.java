package io.flumesentinel.notify.webhook;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.flumesentinel.config.BackoffConfig;
import io.flumesentinel.config.RobotReceiverConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.notify.robot.RobotChannel;
import io.flumesentinel.testing.TestAlerts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;

/**
 * A webhook's {@code ?token=…} and a robot's {@code access_token} never show, whatever goes wrong
 * (a 5xx, a timeout, a 4xx): not in a log line of any class, not in what {@code /status} shows of
 * the receiver.
 */
@ExtendWith(VertxExtension.class)
class SecretFreeErrorsTest {

  private static final String RECEIVER = "hook";
  private static final String WEBHOOK_TOKEN = "wh-s3cr3t-7f2c9a";
  private static final String ROBOT_TOKEN = "robot-s3cr3t-0b8e4d";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(300);

  /** Long enough for each failure to be seen on the receiver's status before the next attempt. */
  private static final BackoffConfig BACKOFF =
      new BackoffConfig(Duration.ofMillis(250), Duration.ofMillis(250), 1.0, 0);

  private Vertx vertx;
  private Context sender;
  private TestReceiver receiver;
  private CapturedLogs logs;

  /** What {@code /status} showed of the receiver, each time it was looked at. */
  private final List<String> statuses = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    sender = vertx.getOrCreateContext();
    logs = CapturedLogs.named(Logger.ROOT_LOGGER_NAME);
    receiver = TestReceiver.start(vertx).await(5, SECONDS);
  }

  @AfterEach
  void detachLogs() {
    logs.detach();
  }

  @Test
  void aWebhookTokenShowsNowhereAfterA5xxATimeoutAndA4xx() throws Exception {
    receiver.script(503, TestReceiver.HANG, 400);
    String url = receiver.url() + "?token=" + WEBHOOK_TOKEN;
    NotifierVerticle notifier =
        deploy(WebhookChannel.notifier(webhook(List.of(url)), "http://monitor.example"));

    publish("a");

    awaitWhileWatching(notifier, () -> notifier.stats().rejected() == 1);
    assertThat(notifier.stats().retries()).isEqualTo(2);
    assertThat(receiver.requests()).hasSize(3);
    assertNowhere(WEBHOOK_TOKEN);
    assertThat(statuses).anyMatch(status -> status.contains("HTTP 503"));
    assertThat(statuses).anyMatch(status -> status.toLowerCase().contains("timeout"));
    assertThat(notifier.stats().lastError())
        .startsWith("http://localhost:")
        .contains("HTTP 400: " + TestReceiver.REFUSAL);
  }

  @Test
  void aRobotsAccessTokenShowsNowhereAfterA5xxATimeoutAndA4xx() throws Exception {
    receiver.script(502, TestReceiver.HANG, 403);
    String url = receiver.url().replace("/hook", "/robot/send?access_token=" + ROBOT_TOKEN);
    RobotReceiverConfig defaults =
        RobotReceiverConfig.of(RECEIVER, RobotReceiverConfig.Vendor.DINGTALK, url, "SECsecret");
    RobotReceiverConfig config =
        new RobotReceiverConfig(
            RECEIVER,
            defaults.vendor(),
            url,
            "",
            defaults.secretEnv(),
            defaults.secret(),
            defaults.connectTimeout(),
            REQUEST_TIMEOUT,
            defaults.maxBatch(),
            defaults.queueCapacity(),
            BACKOFF);
    NotifierVerticle notifier = deploy(RobotChannel.notifier(config));

    publish("a");

    awaitWhileWatching(notifier, () -> notifier.stats().rejected() == 1);
    assertThat(notifier.stats().retries()).isEqualTo(2);
    assertNowhere(ROBOT_TOKEN);
    assertNowhere("sign=");
    assertThat(statuses).anyMatch(status -> status.contains("HTTP 502"));
    assertThat(statuses).anyMatch(status -> status.toLowerCase().contains("timeout"));
  }

  @Test
  void aUrlThatIsNoUrlFailsTheStartWithoutBeingQuoted() {
    String broken = "ftp://alerts.example/hook?token=" + WEBHOOK_TOKEN;

    Future<String> deployment =
        vertx.deployVerticle(WebhookChannel.notifier(webhook(List.of(broken)), ""));

    await().atMost(WAIT).until(deployment::isComplete);
    assertThat(deployment.cause())
        .hasMessageContaining("ftp://alerts.example")
        .hasMessageNotContaining(WEBHOOK_TOKEN);
  }

  /** Waits for {@code done}, looking at the receiver's status as {@code /status} would, often. */
  private void awaitWhileWatching(
      NotifierVerticle notifier, java.util.concurrent.Callable<Boolean> done) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              statuses.add(notifier.stats().toJson().encode());
              return done.call();
            });
    statuses.add(notifier.stats().toJson().encode());
  }

  private void assertNowhere(String secret) {
    List<String> lines = logs.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).as("log lines").isNotEmpty().noneMatch(line -> line.contains(secret));
    assertThat(statuses).as("/status").isNotEmpty().noneMatch(status -> status.contains(secret));
  }

  private NotifierVerticle deploy(NotifierVerticle notifier) throws Exception {
    vertx.deployVerticle(notifier).await(5, SECONDS);
    return notifier;
  }

  private void publish(String agent) {
    sender.runOnContext(
        v ->
            vertx
                .eventBus()
                .send(Addresses.notify(RECEIVER), TestAlerts.notice(TestAlerts.firing(agent))));
  }

  private static WebhookReceiverConfig webhook(List<String> urls) {
    return new WebhookReceiverConfig(
        RECEIVER,
        urls,
        Duration.ofMillis(500),
        REQUEST_TIMEOUT,
        WebhookReceiverConfig.DEFAULT_MAX_BATCH,
        1000,
        BACKOFF);
  }
}
