package io.flumesentinel.notify.webhook;

import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.Channel;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.notify.Redaction;
import io.flumesentinel.notify.http.HttpPoster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 *
 * <p>A URL may hold a secret in its path or query ({@code ?token=…}): each target is named in logs,
 * stats and {@code /status} by {@code scheme://host:port} only ({@link Redaction#origin}), with
 * {@code #2}, {@code #3}, … after it when several URLs share it.
 */
public final class WebhookChannel implements Channel {

  private final WebhookReceiverConfig config;
  private final String externalUrl;
  private final HttpPoster client;
  private final WebhookSigner signer;

  /** Target name → its URL, in the order of the URLs. */
  private final Map<String, String> urls;

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
    this.urls = named(config.urls());
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
    return new ArrayList<>(urls.keySet());
  }

  @Override
  public Future<DeliveryOutcome> send(String target, AlertGroup group, List<Alert> batch) {
    Buffer body = AlertmanagerPayload.of(config.name(), externalUrl, group, batch).toBuffer();
    // The signature covers these very bytes, which are what is sent.
    return client.post(urls.get(target), body, signer == null ? Map.of() : signer.headers(body));
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  private static void validate(WebhookReceiverConfig config) {
    if (config.urls().isEmpty()) {
      throw new IllegalArgumentException("urls must hold at least one URL");
    }
    for (int i = 0; i < config.urls().size(); i++) {
      String url = config.urls().get(i);
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        // the URL itself is not quoted: it may hold a token
        throw new IllegalArgumentException(
            "url #" + (i + 1) + " must be an absolute http(s) URL: " + Redaction.origin(url));
      }
    }
  }

  /** Each URL by its secret-free name: its origin, and its rank among those sharing it. */
  private static Map<String, String> named(List<String> urls) {
    Map<String, String> named = new LinkedHashMap<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (String url : urls) {
      String origin = Redaction.origin(url);
      int rank = seen.merge(origin, 1, Integer::sum);
      String name = rank == 1 ? origin : origin + " #" + rank;
      while (named.containsKey(name)) {
        rank++;
        name = origin + " #" + rank;
      }
      named.put(name, url);
    }
    return named;
  }
}
