package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * One chat-robot receiver: a DingTalk, WeCom or Feishu group robot, or a Slack incoming webhook.
 * Each batch of alerts becomes one chat message posted to {@code url}.
 *
 * @param url the robot's webhook URL, with its access token; read from {@code urlEnv} when that is
 *     set. Left out of {@link #toString()}.
 * @param urlEnv the name of the environment variable the URL was read from; empty if the URL is in
 *     the file
 * @param secretEnv the name of the environment variable holding the signing secret (DingTalk and
 *     Feishu robots with signature verification on); empty if none
 * @param secret the signing secret read from {@code secretEnv} at start-up, never from the file;
 *     {@code null} if none. Left out of {@link #toString()}.
 */
public record RobotReceiverConfig(
    String name,
    Vendor vendor,
    String url,
    String urlEnv,
    String secretEnv,
    String secret,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxBatch,
    int queueCapacity,
    BackoffConfig backoff,
    ReceiverOptions options)
    implements ReceiverConfig {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** The robots, by the {@code type} key that selects them. */
  public enum Vendor {
    DINGTALK(true, 50),
    WECOM(false, 20),
    FEISHU(true, 50),
    SLACK(false, 40);

    private final boolean signs;
    private final int defaultMaxBatch;

    Vendor(boolean signs, int defaultMaxBatch) {
      this.signs = signs;
      this.defaultMaxBatch = defaultMaxBatch;
    }

    /** The {@code type} value: {@code dingtalk}, {@code wecom}, {@code feishu}, {@code slack}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the vendor signs requests with a secret ({@code secretEnv} is allowed). */
    public boolean signs() {
      return signs;
    }

    /**
     * Alerts in one message: as many as a person reads in a chat, and a message that stays short.
     */
    public int defaultMaxBatch() {
      return defaultMaxBatch;
    }

    /** The vendor of a {@code type} value, or {@code null}. */
    public static Vendor of(String type) {
      for (Vendor vendor : values()) {
        if (vendor.wire().equals(type)) {
          return vendor;
        }
      }
      return null;
    }
  }

  public RobotReceiverConfig {
    options = options == null ? ReceiverOptions.NONE : options;
    urlEnv = urlEnv == null ? "" : urlEnv;
    secretEnv = secretEnv == null ? "" : secretEnv;
  }

  /** A receiver without a fallback or a runbook link of its own. */
  public RobotReceiverConfig(
      String name,
      Vendor vendor,
      String url,
      String urlEnv,
      String secretEnv,
      String secret,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxBatch,
      int queueCapacity,
      BackoffConfig backoff) {
    this(
        name,
        vendor,
        url,
        urlEnv,
        secretEnv,
        secret,
        connectTimeout,
        requestTimeout,
        maxBatch,
        queueCapacity,
        backoff,
        null);
  }

  @Override
  public String type() {
    return vendor.wire();
  }

  /**
   * A receiver with the defaults, posting to {@code url}, signing with {@code secret} if not null.
   */
  public static RobotReceiverConfig of(String name, Vendor vendor, String url, String secret) {
    return new RobotReceiverConfig(
        name,
        vendor,
        url,
        "",
        secret == null ? "" : "ROBOT_SECRET",
        secret,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT,
        vendor.defaultMaxBatch(),
        DEFAULT_QUEUE_CAPACITY,
        BackoffConfig.defaults());
  }

  /**
   * A {@code receivers} entry of a robot's {@code type}: {@code name}, {@code url} or {@code
   * urlEnv} (the variable holding it), {@code secretEnv} (signing robots only), {@code
   * connectTimeout}, {@code requestTimeout}, {@code maxBatch}, {@code queueCapacity} and {@code
   * backoff}.
   */
  @JsonCreator
  static RobotReceiverConfig read(
      @JsonProperty("type") String type,
      @JsonProperty("name") String name,
      @JsonProperty("url") String url,
      @JsonProperty("urlEnv") String urlEnv,
      @JsonProperty("secretEnv") String secretEnv,
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
      @JacksonInject(value = YamlBinding.ENVIRONMENT, useInput = OptBoolean.FALSE)
          Function<String, String> environment) {
    Vendor vendor = Vendor.of(type.strip().toLowerCase(Locale.ROOT));
    String checkedName = ReceiverChecks.name(name);
    String urlInFile = ReceiverChecks.stripped(url);
    String urlVariable = ReceiverChecks.stripped(urlEnv);
    String checkedUrl;
    if (!urlVariable.isEmpty()) {
      if (!urlInFile.isEmpty()) {
        throw new ConfigException("urlEnv", "give either url or urlEnv, not both");
      }
      checkedUrl =
          ConfigChecks.httpUrl(
              "urlEnv", ReceiverChecks.environmentValue("urlEnv", urlVariable, environment));
    } else if (urlInFile.isEmpty()) {
      throw new ConfigException(
          "url", "the robot's webhook URL is required (or urlEnv naming a variable)");
    } else {
      checkedUrl = ConfigChecks.httpUrl("url", urlInFile);
    }
    String secretVariable = ReceiverChecks.stripped(secretEnv);
    String secret = null;
    if (!secretVariable.isEmpty()) {
      if (!vendor.signs()) {
        throw new ConfigException(
            "secretEnv", vendor.wire() + " robots do not sign their messages");
      }
      secret = ReceiverChecks.secret("secretEnv", secretVariable, environment);
    }
    Duration connect =
        DurationKey.CONNECT_TIMEOUT
            .read(connectTimeout, connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT)
            .value();
    Duration request =
        DurationKey.REQUEST_TIMEOUT
            .read(requestTimeout, requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT)
            .value();
    int batch = ReceiverChecks.maxBatch(maxBatch, vendor.defaultMaxBatch());
    return new RobotReceiverConfig(
        checkedName,
        vendor,
        checkedUrl,
        urlVariable,
        secretVariable,
        secret,
        connect,
        request,
        batch,
        ReceiverChecks.queueCapacity(queueCapacity, DEFAULT_QUEUE_CAPACITY, batch),
        backoff == null ? BackoffConfig.defaults() : backoff,
        ReceiverOptions.read(fallback, failingAfter, runbookUrl));
  }

  @Override
  public String toString() {
    return "RobotReceiverConfig[name="
        + name
        + ", type="
        + type()
        + ", url="
        + (urlEnv.isEmpty() ? "(in the file)" : "(from " + urlEnv + ")")
        + ", secretEnv="
        + secretEnv
        + ", secret="
        + (secret == null ? "none" : "(set)")
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + ", maxBatch="
        + maxBatch
        + ", queueCapacity="
        + queueCapacity
        + ", backoff="
        + backoff
        + "]";
  }
}
