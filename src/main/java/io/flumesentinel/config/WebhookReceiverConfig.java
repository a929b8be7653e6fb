package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One webhook receiver. Several {@code urls} are tried in order for each request (failover); one
 * request at a time keeps alerts in the order they happened.
 *
 * @param maxBatch most alerts in one request
 * @param queueCapacity most alert transitions waiting for this receiver; past that, superseded
 *     transitions of the same alert are collapsed first, and anything dropped is counted and logged
 * @param signature how requests are signed; {@code null}: they are not
 */
// type chose this class (ReceiverConfig); it is no setting of a webhook or mail receiver
@JsonIgnoreProperties("type")
public record WebhookReceiverConfig(
    String name,
    List<String> urls,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxBatch,
    int queueCapacity,
    BackoffConfig backoff,
    Signature signature,
    ReceiverOptions options)
    implements ReceiverConfig {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_BATCH = 500;

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

    /** The {@code signature} section: {@code secretEnv}, the variable holding the secret. */
    @JsonCreator
    static Signature read(
        @JsonProperty("secretEnv") String secretEnv,
        @JacksonInject(value = YamlBinding.ENVIRONMENT, useInput = OptBoolean.FALSE)
            Function<String, String> environment) {
      String variable = ReceiverChecks.stripped(secretEnv);
      if (variable.isEmpty()) {
        throw new ConfigException(
            "secretEnv",
            "is required: the name of the environment variable holding the signing secret");
      }
      return new Signature(variable, ReceiverChecks.secret("secretEnv", variable, environment));
    }
  }

  public WebhookReceiverConfig {
    options = options == null ? ReceiverOptions.NONE : options;
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

  /** A receiver without a fallback or a runbook link of its own. */
  public WebhookReceiverConfig(
      String name,
      List<String> urls,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxBatch,
      int queueCapacity,
      BackoffConfig backoff,
      Signature signature) {
    this(
        name,
        urls,
        connectTimeout,
        requestTimeout,
        maxBatch,
        queueCapacity,
        backoff,
        signature,
        null);
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
        name,
        urls,
        connectTimeout,
        requestTimeout,
        maxBatch,
        queueCapacity,
        backoff,
        signature,
        options);
  }

  /**
   * A {@code receivers} entry of {@code type: webhook} (the default): {@code name}, {@code urls}
   * (tried in order), {@code connectTimeout}, {@code requestTimeout}, {@code maxBatch}, {@code
   * queueCapacity}, {@code backoff} and {@code signature}.
   */
  @JsonCreator
  static WebhookReceiverConfig read(
      @JsonProperty("name") String name,
      @JsonProperty("urls") List<String> urls,
      @JsonProperty("connectTimeout") Duration connectTimeout,
      @JsonProperty("connectTimeoutMs") Milliseconds connectTimeoutMs,
      @JsonProperty("requestTimeout") Duration requestTimeout,
      @JsonProperty("requestTimeoutMs") Milliseconds requestTimeoutMs,
      @JsonProperty("maxBatch") Long maxBatch,
      @JsonProperty("queueCapacity") Long queueCapacity,
      @JsonProperty("backoff") BackoffConfig backoff,
      @JsonProperty("fallback") String fallback,
      @JsonProperty("failingAfter") Duration failingAfter,
      @JsonProperty("runbookUrl") String runbookUrl,
      @JsonProperty("signature") Signature signature) {
    String checkedName = ReceiverChecks.name(name);
    if (urls == null || urls.isEmpty()) {
      throw new ConfigException("urls", "at least one URL is required");
    }
    List<String> checkedUrls = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      checkedUrls.add(ConfigChecks.httpUrl("urls[" + i + "]", urls.get(i)));
    }
    Duration connect =
        DurationKey.CONNECT_TIMEOUT
            .read(connectTimeout, connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT)
            .value();
    Duration request =
        DurationKey.REQUEST_TIMEOUT
            .read(requestTimeout, requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT)
            .value();
    int batch = ReceiverChecks.maxBatch(maxBatch, DEFAULT_MAX_BATCH);
    return new WebhookReceiverConfig(
        checkedName,
        checkedUrls,
        connect,
        request,
        batch,
        ReceiverChecks.queueCapacity(queueCapacity, DEFAULT_QUEUE_CAPACITY, batch),
        backoff == null ? BackoffConfig.defaults() : backoff,
        signature,
        ReceiverOptions.read(fallback, failingAfter, runbookUrl));
  }
}
