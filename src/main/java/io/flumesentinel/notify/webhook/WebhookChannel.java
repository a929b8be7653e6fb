package io.flumesentinel.notify.webhook;

import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.Channel;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.notify.http.HttpPoster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Posts batches to a webhook receiver in Alertmanager's format ({@link AlertmanagerPayload}).
 *
 * <p>Each URL is a target: {@link NotifierVerticle} fails over across them in order. Outcomes are
 * judged as Alertmanager does: 2xx delivered; 5xx, 429, timeouts and connection errors retryable;
 * any other status permanent.
 *
 * <p>With a {@code signature}, each request carries an HMAC-SHA256 of its body ({@link
 * WebhookSigner}); a receiver that refuses it answers 401 or 403, which is permanent.
 */
public final class WebhookChannel implements Channel {

  private final WebhookReceiverConfig config;
  private final String externalUrl;
  private final HttpPoster client;
  private final WebhookSigner signer;

  /**
   * @throws IllegalArgumentException if a URL is not an absolute http(s) URL
   */
  public WebhookChannel(Vertx vertx, WebhookReceiverConfig config, String externalUrl) {
    this(vertx, config, externalUrl, Clock.systemUTC());
  }

  /**
   * @param clock the time of each request's signature timestamp
   */
  WebhookChannel(Vertx vertx, WebhookReceiverConfig config, String externalUrl, Clock clock) {
    validate(config);
    this.config = config;
    this.externalUrl = externalUrl == null ? "" : externalUrl;
    this.client = new HttpPoster(vertx, config.connectTimeout(), config.requestTimeout());
    this.signer =
        config.signature() == null ? null : new WebhookSigner(config.signature().secret(), clock);
  }

  /** A notifier delivering to this webhook receiver. */
  public static NotifierVerticle notifier(WebhookReceiverConfig config, String externalUrl) {
    return new NotifierVerticle(config, vertx -> new WebhookChannel(vertx, config, externalUrl));
  }

  @Override
  public List<String> targets() {
    return config.urls();
  }

  @Override
  public Future<DeliveryOutcome> send(String target, AlertGroup group, List<Alert> batch) {
    Buffer body = AlertmanagerPayload.of(config.name(), externalUrl, group, batch).toBuffer();
    // The signature covers these very bytes, which are what is sent.
    return client.post(target, body, signer == null ? Map.of() : signer.headers(body));
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  private static void validate(WebhookReceiverConfig config) {
    if (config.urls().isEmpty()) {
      throw new IllegalArgumentException("urls must hold at least one URL");
    }
    for (String url : config.urls()) {
      URI uri = URI.create(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("url must be an absolute http(s) URL: " + url);
      }
    }
  }
}
