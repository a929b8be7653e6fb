package io.flumesentinel.notify.webhook;

import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.notify.Backoff;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.DeliveryQueue;
import io.flumesentinel.notify.ErrorChanges;
import io.flumesentinel.notify.NotifierStats;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the {@link Alert} transitions sent to {@link Addresses#notify(String)} to one webhook
 * receiver, in Alertmanager's format.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Never blocks the sender nor an event loop: alerts are queued, requests and back-off are
 *       asynchronous.
 *   <li>Order: exactly one request is in flight, and a failed batch is sent again before anything
 *       newer.
 *   <li>Latency: an alert arriving while the notifier is idle is sent at once, with no timer in
 *       between; alerts arriving while a request is in flight or backing off go together in the
 *       next request, up to {@code maxBatch}.
 *   <li>Failover: a retryable failure (5xx, 429, timeout, connection error) on one URL tries the
 *       next URL with the same batch at once; when every URL failed, the batch waits {@link
 *       Backoff#nextDelay()} and the round starts again from the first URL. Each batch starts from
 *       the first URL, and a success resets the back-off.
 *   <li>A permanent refusal (another 4xx) is logged with the status and the start of the body,
 *       counted as rejected, and not retried, so it cannot hold later alerts back.
 *   <li>A full queue collapses superseded transitions, then drops the oldest; each drop is counted
 *       and logged with the alert key.
 *   <li>After each accepted request, {@link Delivered} goes to {@link Addresses#DELIVERED} (local
 *       only).
 * </ul>
 *
 * <p>Caveat: transitions still queued when the verticle is undeployed are not sent; they are
 * logged, and the alert ledger, which never got their {@link Delivered}, is the place to resend
 * them from.
 */
public final class WebhookNotifierVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifierVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final WebhookReceiverConfig config;
  private final String externalUrl;
  private final NotifierStats stats;
  private final ErrorChanges errors = new ErrorChanges();
  private DeliveryQueue queue;
  private Backoff backoff;
  private WebhookClient client;

  /** A request is in flight or a back-off timer is pending: new alerts wait for it. */
  private boolean busy;

  private boolean stopped;
  private List<Alert> batch = List.of();
  private Buffer body;
  private int urlIndex;
  private long backoffTimer = -1;

  public WebhookNotifierVerticle(WebhookReceiverConfig config, String externalUrl) {
    this.config = config;
    this.externalUrl = externalUrl == null ? "" : externalUrl;
    this.stats = new NotifierStats(config.name());
  }

  /** This notifier's counters; safe to read from any thread, before and after deployment. */
  public NotifierStats stats() {
    return stats;
  }

  @Override
  public Future<?> start() {
    try {
      validate();
      queue = new DeliveryQueue(config.queueCapacity());
      backoff = new Backoff(config.backoff());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "webhook receiver '" + config.name() + "': " + e.getMessage(), e));
    }
    client = new WebhookClient(vertx, config);
    return vertx
        .eventBus()
        .<Alert>localConsumer(Addresses.notify(config.name()), message -> enqueue(message.body()))
        .completion();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (client == null) {
      return Future.succeededFuture();
    }
    vertx.cancelTimer(backoffTimer);
    if (queue.size() > 0) {
      LOG.warn(
          "Receiver {}: stopping with {} alert transition(s) not delivered",
          config.name(),
          queue.size());
    }
    return client.close();
  }

  private void enqueue(Alert alert) {
    for (Alert dropped : queue.offer(alert)) {
      stats.recordDropped(1);
      LOG.warn(
          "Receiver {}: queue full ({} transitions), dropped the {} transition of {} started at {}",
          config.name(),
          config.queueCapacity(),
          dropped.status().wire(),
          dropped.key(),
          dropped.startsAt());
    }
    stats.recordQueue(queue);
    if (!busy) {
      sendNextBatch();
    }
  }

  private void sendNextBatch() {
    if (stopped || !queue.hasWaiting()) {
      busy = false;
      return;
    }
    busy = true;
    batch = queue.takeBatch(config.maxBatch());
    body = AlertmanagerPayload.of(config.name(), externalUrl, batch).toBuffer();
    urlIndex = 0;
    attempt();
  }

  private void attempt() {
    String url = config.urls().get(urlIndex);
    stats.recordRequest();
    client
        .post(url, body)
        .onComplete(
            result ->
                onOutcome(
                    url,
                    result.succeeded()
                        ? result.result()
                        : DeliveryOutcome.ofError(result.cause())));
  }

  private void onOutcome(String url, DeliveryOutcome outcome) {
    if (stopped) {
      return;
    }
    switch (outcome.verdict()) {
      case DELIVERED -> delivered(url);
      case PERMANENT -> rejected(url, outcome);
      case RETRYABLE -> failed(url, outcome);
    }
  }

  private void delivered(String url) {
    String previousError = errors.recovered(url);
    if (previousError != null) {
      LOG.info(
          "Receiver {}: {} accepts alerts again (it had failed with: {})",
          config.name(),
          url,
          previousError);
    }
    queue.ack();
    stats.recordDelivered(batch.size());
    stats.recordQueue(queue);
    backoff.reset();
    vertx.eventBus().send(Addresses.DELIVERED, new Delivered(config.name(), batch), LOCAL);
    sendNextBatch();
  }

  private void rejected(String url, DeliveryOutcome outcome) {
    // The receiver answered, so it is up: a later failure of this URL is news again, and the
    // back-off restarts.
    errors.recovered(url);
    backoff.reset();
    queue.ack();
    stats.recordRejected(batch.size(), url + ": " + outcome.describe());
    stats.recordQueue(queue);
    LOG.error(
        "Receiver {}: {} refused {} alert transition(s) with {}; not retried: {}",
        config.name(),
        url,
        batch.size(),
        outcome.describe(),
        keys(batch));
    sendNextBatch();
  }

  private void failed(String url, DeliveryOutcome outcome) {
    stats.recordRetry(url + ": " + outcome.describe());
    boolean lastUrl = urlIndex == config.urls().size() - 1;
    if (errors.failed(url, outcome.describe())) {
      LOG.warn(
          "Receiver {}: {} failed: {}; {}",
          config.name(),
          url,
          outcome.describe(),
          lastUrl ? "backing off" : "trying the next URL");
    }
    if (!lastUrl) {
      urlIndex++;
      attempt();
      return;
    }
    // Back to the queue, so that the next round also takes what arrived meanwhile, and a full queue
    // can
    // collapse a transition of this batch into a newer one.
    queue.nack();
    batch = List.of();
    long delayMillis = Math.max(1, backoff.nextDelay().toMillis());
    LOG.debug("Receiver {}: every URL failed, next round in {} ms", config.name(), delayMillis);
    backoffTimer =
        vertx.setTimer(
            delayMillis,
            id -> {
              backoffTimer = -1;
              sendNextBatch();
            });
  }

  private void validate() {
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
    if (config.maxBatch() < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, was " + config.maxBatch());
    }
  }

  private static String keys(List<Alert> alerts) {
    return alerts.stream()
        .map(alert -> alert.key() + "@" + alert.startsAt())
        .collect(Collectors.joining(", "));
  }
}
