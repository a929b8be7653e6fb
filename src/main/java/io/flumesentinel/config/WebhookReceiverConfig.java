package io.flumesentinel.config;

import java.time.Duration;
import java.util.List;

/**
 * One webhook receiver. Several {@code urls} are tried in order for each request (failover); one
 * request at a time keeps alerts in the order they happened.
 *
 * @param maxBatch most alerts in one request
 * @param queueCapacity most alert transitions waiting for this receiver; past that, superseded
 *     transitions of the same alert are collapsed first, and anything dropped is counted and logged
 */
public record WebhookReceiverConfig(
    String name,
    List<String> urls,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxBatch,
    int queueCapacity,
    BackoffConfig backoff)
    implements ReceiverConfig {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_BATCH = 500;
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  public static final String TYPE = "webhook";

  public WebhookReceiverConfig {
    urls = List.copyOf(urls);
  }

  @Override
  public String type() {
    return TYPE;
  }

  public static WebhookReceiverConfig of(String name, List<String> urls) {
    return new WebhookReceiverConfig(
        name,
        urls,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_MAX_BATCH,
        DEFAULT_QUEUE_CAPACITY,
        BackoffConfig.defaults());
  }
}
