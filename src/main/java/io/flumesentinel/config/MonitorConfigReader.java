package io.flumesentinel.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the YAML tree into a validated {@link MonitorConfig}; the schema is in {@link
 * ConfigLoader}.
 */
final class MonitorConfigReader {

  private static final long MAX_TIMEOUT_MS = 600_000;
  private static final long MAX_WAIT_MS = 86_400_000;

  private MonitorConfigReader() {}

  static MonitorConfig read(YamlSection top) {
    top.allowOnly(Set.of("zookeeper", "http", "externalUrl", "classifier", "receivers"));
    MonitorConfig defaults = MonitorConfig.defaults();
    ZkConfig zookeeper = zookeeper(top.section("zookeeper"));
    HttpConfig http = http(top.section("http"));
    String externalUrl = top.string("externalUrl", defaults.externalUrl()).strip();
    if (!externalUrl.isEmpty()) {
      externalUrl = ConfigChecks.httpUrl(top.key("externalUrl"), externalUrl);
    }
    ClassifierConfig classifier = classifier(top.section("classifier"));
    List<WebhookReceiverConfig> receivers = receivers(top, "receivers");
    return new MonitorConfig(zookeeper, http, classifier, receivers, externalUrl);
  }

  private static ZkConfig zookeeper(YamlSection zk) {
    zk.allowOnly(Set.of("connect", "root", "sessionTimeoutMs", "connectionTimeoutMs", "embedded"));
    ZkConfig defaults = ZkConfig.of(null);
    String connect = ConfigChecks.connectString(zk.key("connect"), zk.string("connect", ""));
    String root = ConfigChecks.root(zk.key("root"), zk.string("root", defaults.root()));
    long session =
        zk.integer("sessionTimeoutMs", defaults.sessionTimeout().toMillis(), 1_000, MAX_TIMEOUT_MS);
    long connection =
        zk.integer(
            "connectionTimeoutMs", defaults.connectionTimeout().toMillis(), 1, MAX_TIMEOUT_MS);
    if (connection > session) {
      // Curator would silently shorten it to the session timeout; say so instead.
      throw new ConfigException(
          zk.key("connectionTimeoutMs"),
          "must not exceed sessionTimeoutMs (" + session + "), got " + connection);
    }
    YamlSection embedded = zk.section("embedded").allowOnly(Set.of("port", "dataDir"));
    int port = (int) embedded.integer("port", defaults.embeddedPort(), 0, 65_535);
    Path dataDir =
        path(
            embedded.key("dataDir"),
            embedded.string("dataDir").orElse(null),
            defaults.embeddedDataDir());
    return new ZkConfig(
        connect, root, Duration.ofMillis(session), Duration.ofMillis(connection), port, dataDir);
  }

  private static HttpConfig http(YamlSection http) {
    http.allowOnly(Set.of("host", "port"));
    HttpConfig defaults = HttpConfig.defaults();
    String host = http.string("host", defaults.host()).strip();
    if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(
          http.key("host"), "must be a host name or IP address, got " + ConfigChecks.quote(host));
    }
    int port = (int) http.integer("port", defaults.port(), 0, 65_535);
    return new HttpConfig(host, port);
  }

  private static ClassifierConfig classifier(YamlSection classifier) {
    classifier.allowOnly(Set.of("graceMs", "startTimeoutMs"));
    ClassifierConfig defaults = ClassifierConfig.defaults();
    long grace = classifier.integer("graceMs", defaults.grace().toMillis(), 0, MAX_WAIT_MS);
    long start =
        classifier.integer("startTimeoutMs", defaults.startTimeout().toMillis(), 1, MAX_WAIT_MS);
    return new ClassifierConfig(Duration.ofMillis(grace), Duration.ofMillis(start));
  }

  private static List<WebhookReceiverConfig> receivers(YamlSection top, String name) {
    List<WebhookReceiverConfig> receivers = new ArrayList<>();
    Map<String, String> keyByName = new HashMap<>();
    for (YamlSection receiver : top.sections(name)) {
      WebhookReceiverConfig config = receiver(receiver);
      String earlier = keyByName.putIfAbsent(config.name(), receiver.key("name"));
      if (earlier != null) {
        throw new ConfigException(
            receiver.key("name"),
            ConfigChecks.quote(config.name()) + " is already the name of " + earlier);
      }
      receivers.add(config);
    }
    return receivers;
  }

  private static WebhookReceiverConfig receiver(YamlSection receiver) {
    receiver.allowOnly(
        Set.of(
            "name",
            "type",
            "urls",
            "connectTimeoutMs",
            "requestTimeoutMs",
            "maxBatch",
            "queueCapacity",
            "backoff"));
    String name =
        receiver
            .string("name")
            .orElseThrow(() -> new ConfigException(receiver.key("name"), "is required"));
    if (!ConfigChecks.RECEIVER_NAME.matcher(name).matches()) {
      throw new ConfigException(
          receiver.key("name"),
          ConfigChecks.quote(name) + " must be 1-64 characters of letters, digits, '_' and '-'");
    }
    String type = receiver.string("type", "webhook");
    if (!type.strip().toLowerCase(Locale.ROOT).equals("webhook")) {
      throw new ConfigException(
          receiver.key("type"),
          "unknown receiver type " + ConfigChecks.quote(type) + "; supported: webhook");
    }
    List<String> urls = new ArrayList<>();
    List<String> given = receiver.strings("urls");
    if (given.isEmpty()) {
      throw new ConfigException(receiver.key("urls"), "at least one URL is required");
    }
    for (int i = 0; i < given.size(); i++) {
      urls.add(ConfigChecks.httpUrl(receiver.key("urls") + "[" + i + "]", given.get(i)));
    }
    long connect =
        receiver.integer(
            "connectTimeoutMs",
            WebhookReceiverConfig.DEFAULT_CONNECT_TIMEOUT.toMillis(),
            1,
            MAX_TIMEOUT_MS);
    long request =
        receiver.integer(
            "requestTimeoutMs",
            WebhookReceiverConfig.DEFAULT_REQUEST_TIMEOUT.toMillis(),
            1,
            MAX_TIMEOUT_MS);
    int maxBatch =
        (int) receiver.integer("maxBatch", WebhookReceiverConfig.DEFAULT_MAX_BATCH, 1, 100_000);
    int capacity =
        (int)
            receiver.integer(
                "queueCapacity", WebhookReceiverConfig.DEFAULT_QUEUE_CAPACITY, 1, 10_000_000);
    if (capacity < maxBatch) {
      throw new ConfigException(
          receiver.key("queueCapacity"),
          "must be at least maxBatch (" + maxBatch + "), got " + capacity);
    }
    return new WebhookReceiverConfig(
        name,
        urls,
        Duration.ofMillis(connect),
        Duration.ofMillis(request),
        maxBatch,
        capacity,
        backoff(receiver.section("backoff")));
  }

  private static BackoffConfig backoff(YamlSection backoff) {
    backoff.allowOnly(Set.of("initialMs", "maxMs", "multiplier", "jitter"));
    BackoffConfig defaults = BackoffConfig.defaults();
    long initial = backoff.integer("initialMs", defaults.initial().toMillis(), 1, MAX_WAIT_MS);
    // A large initialMs with maxMs omitted means "no growth", not an error about a key never
    // written.
    long max =
        backoff.integer("maxMs", Math.max(initial, defaults.max().toMillis()), 1, MAX_WAIT_MS);
    if (max < initial) {
      throw new ConfigException(
          backoff.key("maxMs"), "must be at least initialMs (" + initial + "), got " + max);
    }
    double multiplier = backoff.decimal("multiplier", defaults.multiplier());
    if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
      throw new ConfigException(
          backoff.key("multiplier"), "must be between 1.0 and 100.0, got " + multiplier);
    }
    double jitter = backoff.decimal("jitter", defaults.jitter());
    if (!(jitter >= 0.0 && jitter < 1.0)) {
      throw new ConfigException(
          backoff.key("jitter"), "must be at least 0 and below 1, got " + jitter);
    }
    return new BackoffConfig(
        Duration.ofMillis(initial), Duration.ofMillis(max), multiplier, jitter);
  }

  private static Path path(String key, String value, Path defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    if (value.isBlank()) {
      throw new ConfigException(key, "must be a directory path, got an empty value");
    }
    try {
      return Path.of(value.strip());
    } catch (InvalidPathException e) {
      throw new ConfigException(
          key, ConfigChecks.quote(value) + " is not a valid path: " + e.getReason());
    }
  }
}
