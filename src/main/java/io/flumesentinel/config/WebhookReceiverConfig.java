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
 * @param signature how requests are signed; {@code null}: they are not
 */
public record WebhookReceiverConfig(
    String name,
    List<String> urls,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxBatch,
    int queueCapacity,
    BackoffConfig backoff,
    Signature signature)
    implements ReceiverConfig {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_BATCH = 500;
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  public static final String TYPE = "webhook";

  /**
   * An HMAC-SHA256 signature of each request with a shared secret.
   *
   * @param secretEnv the name of the environment variable the secret was read from
   * @param secret the secret, read at start-up, never from the file. Left out of {@link
   *     #toString()}.
   */
  public record Signature(String secretEnv, String secret) {

    public Signature {
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException("a signature needs a secret");
      }
    }

    @Override
    public String toString() {
      return "Signature[secretEnv=" + secretEnv + ", secret=(hidden)]";
    }
  }

  public WebhookReceiverConfig {
    urls = List.copyOf(urls);
  }

  /** An unsigned webhook receiver. */
  public WebhookReceiverConfig(
      String name,
      List<String> urls,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxBatch,
      int queueCapacity,
      BackoffConfig backoff) {
    this(name, urls, connectTimeout, requestTimeout, maxBatch, queueCapacity, backoff, null);
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

  /** This receiver, signing its requests with {@code signature}. */
  public WebhookReceiverConfig withSignature(Signature signature) {
    return new WebhookReceiverConfig(
        name, urls, connectTimeout, requestTimeout, maxBatch, queueCapacity, backoff, signature);
  }
}
