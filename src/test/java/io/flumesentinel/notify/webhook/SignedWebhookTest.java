package io.flumesentinel.notify.webhook;

import static io.flumesentinel.testing.TestAlerts.firing;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.BackoffConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.testing.TestAlerts;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Signed webhooks against a real Vert.x receiver that checks each request as docs/notifications.md
 * tells receivers to: the HMAC-SHA256 of {@code "<timestamp>.<raw body>"} under the shared secret,
 * a timestamp within five minutes of its clock, and 401 for anything else.
 */
@ExtendWith(VertxExtension.class)
class SignedWebhookTest {

  private static final String SECRET = "s3cr3t-shared-with-the-receiver";
  private static final Duration WAIT = Duration.ofSeconds(5);

  /** One request as the receiver saw it, and its verdict. */
  record Seen(MultiMap headers, Buffer body, boolean verified) {}

  private Vertx vertx;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private String url;

  @BeforeEach
  void startReceiver(Vertx vertx) throws Exception {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(this::verify)
            .listen(0, "127.0.0.1")
            .await(5, SECONDS);
    url = "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  /** The receiver's side, written from docs/notifications.md alone. */
  private void verify(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              String timestamp = request.getHeader("X-Flume-Sentinel-Timestamp");
              String signature = request.getHeader("X-Flume-Sentinel-Signature");
              boolean verified = false;
              if (timestamp != null && signature != null) {
                try {
                  long age = Instant.now().getEpochSecond() - Long.parseLong(timestamp);
                  Mac mac = Mac.getInstance("HmacSHA256");
                  mac.init(
                      new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                  mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
                  String expected =
                      "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes()));
                  verified =
                      Math.abs(age) <= 300
                          && MessageDigest.isEqual(
                              expected.getBytes(StandardCharsets.UTF_8),
                              signature.getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                  verified = false;
                }
              }
              seen.add(
                  new Seen(
                      MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                      body,
                      verified));
              request.response().setStatusCode(verified ? 200 : 401).end();
            });
  }

  @Test
  void aSignedRequestIsVerifiedByTheReceiverOverTheExactBytesSent() throws Exception {
    NotifierVerticle notifier = deploy(signed(SECRET), Clock.systemUTC());
    Alert alert = firing("a1");

    send(alert);

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 1);
    assertThat(seen).hasSize(1);
    Seen request = seen.get(0);
    assertThat(request.verified()).isTrue();
    assertThat(request.headers().get("X-Flume-Sentinel-Signature")).matches("sha256=[0-9a-f]{64}");
    assertThat(Long.parseLong(request.headers().get("X-Flume-Sentinel-Timestamp")))
        .isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond() + 1);
    assertThat(request.body().toJsonObject().getJsonArray("alerts"))
        .containsExactly(alert.toJson());
    assertThat(notifier.stats().rejected()).isZero();
  }

  @Test
  void aWrongSecretIsRefusedAndCountedAsRejectedWithoutRetries() throws Exception {
    NotifierVerticle notifier = deploy(signed("not-the-shared-secret"), Clock.systemUTC());

    send(firing("a1"));

    await().atMost(WAIT).until(() -> notifier.stats().rejected() == 1);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).verified()).isFalse();
    assertThat(notifier.stats().delivered()).isZero();
    assertThat(notifier.stats().retries()).isZero();
    assertThat(notifier.stats().lastError()).contains("401");
  }

  @Test
  void aStaleTimestampIsRefusedAsAReplay() throws Exception {
    Clock tenMinutesAgo = Clock.fixed(Instant.now().minusSeconds(600), ZoneOffset.UTC);
    NotifierVerticle notifier = deploy(signed(SECRET), tenMinutesAgo);

    send(firing("a1"));

    await().atMost(WAIT).until(() -> notifier.stats().rejected() == 1);
    assertThat(seen.get(0).verified()).isFalse();
  }

  @Test
  void anUnsignedReceiverGetsNoSignatureHeaders() throws Exception {
    NotifierVerticle notifier = deploy(config(), Clock.systemUTC());

    send(firing("a1"));

    await().atMost(WAIT).until(() -> notifier.stats().rejected() == 1);
    assertThat(seen.get(0).headers().contains("X-Flume-Sentinel-Signature")).isFalse();
    assertThat(seen.get(0).headers().contains("X-Flume-Sentinel-Timestamp")).isFalse();
  }

  @Test
  void theSecretIsNotInTheConfigsText() {
    assertThat(signed(SECRET).toString()).doesNotContain(SECRET).contains("WEBHOOK_SECRET");
  }

  private NotifierVerticle deploy(WebhookReceiverConfig config, Clock clock) throws Exception {
    NotifierVerticle notifier =
        new NotifierVerticle(config, v -> new WebhookChannel(v, config, "", clock));
    vertx.deployVerticle(notifier).await(5, SECONDS);
    return notifier;
  }

  private void send(Alert alert) {
    vertx.eventBus().send(Addresses.notify("ops"), TestAlerts.notice(alert));
  }

  private WebhookReceiverConfig config() {
    return new WebhookReceiverConfig(
        "ops",
        List.of(url),
        Duration.ofMillis(500),
        Duration.ofSeconds(2),
        WebhookReceiverConfig.DEFAULT_MAX_BATCH,
        1000,
        new BackoffConfig(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0));
  }

  private WebhookReceiverConfig signed(String secret) {
    return config().withSignature(new WebhookReceiverConfig.Signature("WEBHOOK_SECRET", secret));
  }
}
