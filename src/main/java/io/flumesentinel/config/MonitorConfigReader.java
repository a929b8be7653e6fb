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
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns the YAML tree into a validated {@link MonitorConfig}; the schema is in {@link
 * ConfigLoader}.
 */
final class MonitorConfigReader {

  private static final long MAX_TIMEOUT_MS = 600_000;
  private static final long MAX_WAIT_MS = 86_400_000;
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Names no one gives a variable: a DingTalk secret ({@code SEC} and hex), or 20 or more letters
   * and digits mixing cases and digits with no {@code _}, as tokens are.
   */
  private static final Pattern LOOKS_LIKE_SECRET =
      Pattern.compile(
          "SEC[0-9a-fA-F]{16,}|(?=[A-Za-z0-9]{20,}$)(?=.*[a-z])(?=.*[A-Z0-9])[A-Za-z0-9]+");

  private static final Pattern MAIL_ADDRESS = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+");

  private MonitorConfigReader() {}

  static MonitorConfig read(YamlSection top, Function<String, String> environment) {
    top.allowOnly(
        Set.of(
            "zookeeper",
            "http",
            "externalUrl",
            "classifier",
            "receivers",
            "route",
            "flapping",
            "hostDown",
            "cluster"));
    MonitorConfig defaults = MonitorConfig.defaults();
    ZkConfig zookeeper = zookeeper(top.section("zookeeper"));
    HttpConfig http = http(top.section("http"));
    String externalUrl = top.string("externalUrl", defaults.externalUrl()).strip();
    if (!externalUrl.isEmpty()) {
      externalUrl = ConfigChecks.httpUrl(top.key("externalUrl"), externalUrl);
    }
    ClassifierConfig classifier = classifier(top.section("classifier"));
    List<ReceiverConfig> receivers = receivers(top, "receivers", environment);
    RouteConfig route = top.has("route") ? RouteReader.root(top.section("route"), receivers) : null;
    return new MonitorConfig(
        zookeeper,
        http,
        classifier,
        receivers,
        externalUrl,
        route,
        flapping(top.section("flapping")),
        hostDown(top.section("hostDown"), top.has("hostDown")),
        cluster(top));
  }

  private static FlappingConfig flapping(YamlSection flapping) {
    flapping.allowOnly(Set.of("enabled", "maxDowns", "windowMs", "stableForMs"));
    FlappingConfig defaults = FlappingConfig.defaults();
    boolean enabled = flapping.bool("enabled", defaults.enabled());
    int maxDowns = (int) flapping.integer("maxDowns", defaults.maxDowns(), 1, 1_000);
    long window = flapping.integer("windowMs", defaults.window().toMillis(), 1_000, MAX_WAIT_MS);
    long stable =
        flapping.integer("stableForMs", defaults.stableFor().toMillis(), 1_000, MAX_WAIT_MS);
    return new FlappingConfig(
        enabled, maxDowns, Duration.ofMillis(window), Duration.ofMillis(stable));
  }

  /**
   * @param given whether the file has a {@code hostDown} section: that alone turns it on ({@code
   *     enabled: false} keeps the settings but switches it off)
   */
  private static HostDownConfig hostDown(YamlSection hostDown, boolean given) {
    hostDown.allowOnly(Set.of("enabled", "minAgents", "windowMs"));
    HostDownConfig defaults = HostDownConfig.defaults();
    boolean enabled = hostDown.bool("enabled", given || defaults.enabled());
    int minAgents = (int) hostDown.integer("minAgents", defaults.minAgents(), 2, 100_000);
    long window = hostDown.integer("windowMs", defaults.window().toMillis(), 1, MAX_WAIT_MS);
    return new HostDownConfig(enabled, minAgents, Duration.ofMillis(window));
  }

  /** {@code cluster: true}, or a mapping {@code {enabled, zookeeperPath, host, port}}. */
  private static ClusterConfig cluster(YamlSection top) {
    if (!top.has("cluster")) {
      return ClusterConfig.disabled();
    }
    try {
      return ClusterConfig.disabled().withEnabled(top.bool("cluster", false));
    } catch (ConfigException notABoolean) {
      // not true/false: then it must be the mapping
    }
    YamlSection cluster = top.section("cluster");
    cluster.allowOnly(Set.of("enabled", "zookeeperPath", "host", "port"));
    boolean enabled = cluster.bool("enabled", true);
    String path = cluster.string("zookeeperPath").map(String::strip).orElse(null);
    if (path != null) {
      path = ConfigChecks.root(cluster.key("zookeeperPath"), path);
    }
    String host = cluster.string("host").map(String::strip).filter(h -> !h.isEmpty()).orElse(null);
    if (host != null && host.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(
          cluster.key("host"),
          "must be a host name or IP address, got " + ConfigChecks.quote(host));
    }
    int port = (int) cluster.integer("port", 0, 0, 65_535);
    return new ClusterConfig(enabled, path, host, port);
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

  private static List<ReceiverConfig> receivers(
      YamlSection top, String name, Function<String, String> environment) {
    List<ReceiverConfig> receivers = new ArrayList<>();
    Map<String, String> keyByName = new HashMap<>();
    for (YamlSection receiver : top.sections(name)) {
      String type = receiver.string("type", WebhookReceiverConfig.TYPE).strip();
      ReceiverConfig config =
          switch (type.toLowerCase(Locale.ROOT)) {
            case WebhookReceiverConfig.TYPE -> webhook(receiver, environment);
            case MailReceiverConfig.TYPE -> mail(receiver, environment);
            default -> {
              RobotReceiverConfig.Vendor vendor =
                  RobotReceiverConfig.Vendor.of(type.toLowerCase(Locale.ROOT));
              if (vendor == null) {
                throw new ConfigException(
                    receiver.key("type"),
                    "unknown receiver type "
                        + ConfigChecks.quote(type)
                        + "; supported: webhook, mail, dingtalk, wecom, feishu, slack");
              }
              yield robot(receiver, vendor, environment);
            }
          };
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

  private static WebhookReceiverConfig webhook(
      YamlSection receiver, Function<String, String> environment) {
    receiver.allowOnly(
        Set.of(
            "name",
            "type",
            "urls",
            "connectTimeoutMs",
            "requestTimeoutMs",
            "maxBatch",
            "queueCapacity",
            "backoff",
            "signature"));
    String name = receiverName(receiver);
    List<String> urls = new ArrayList<>();
    List<String> given = receiver.strings("urls");
    if (given.isEmpty()) {
      throw new ConfigException(receiver.key("urls"), "at least one URL is required");
    }
    for (int i = 0; i < given.size(); i++) {
      urls.add(ConfigChecks.httpUrl(receiver.key("urls") + "[" + i + "]", given.get(i)));
    }
    long connect =
        timeoutMs(receiver, "connectTimeoutMs", WebhookReceiverConfig.DEFAULT_CONNECT_TIMEOUT);
    long request =
        timeoutMs(receiver, "requestTimeoutMs", WebhookReceiverConfig.DEFAULT_REQUEST_TIMEOUT);
    int maxBatch = maxBatch(receiver, WebhookReceiverConfig.DEFAULT_MAX_BATCH);
    int capacity = queueCapacity(receiver, WebhookReceiverConfig.DEFAULT_QUEUE_CAPACITY, maxBatch);
    return new WebhookReceiverConfig(
        name,
        urls,
        Duration.ofMillis(connect),
        Duration.ofMillis(request),
        maxBatch,
        capacity,
        backoff(receiver.section("backoff")),
        signature(receiver, environment));
  }

  /** A webhook's {@code signature: { secretEnv: NAME }}, or {@code null} when not given. */
  private static WebhookReceiverConfig.Signature signature(
      YamlSection receiver, Function<String, String> environment) {
    if (!receiver.has("signature")) {
      return null;
    }
    YamlSection signature = receiver.section("signature").allowOnly(Set.of("secretEnv"));
    String secretEnv = signature.string("secretEnv", "").strip();
    if (secretEnv.isEmpty()) {
      throw new ConfigException(
          signature.key("secretEnv"),
          "is required: the name of the environment variable holding the signing secret");
    }
    String secret = environmentValue(signature, "secretEnv", secretEnv, environment).strip();
    if (secret.isEmpty()) {
      throw new ConfigException(
          signature.key("secretEnv"), "the environment variable " + secretEnv + " is empty");
    }
    return new WebhookReceiverConfig.Signature(secretEnv, secret);
  }

  private static MailReceiverConfig mail(
      YamlSection receiver, Function<String, String> environment) {
    receiver.allowOnly(
        Set.of(
            "name",
            "type",
            "host",
            "port",
            "starttls",
            "ssl",
            "username",
            "passwordEnv",
            "from",
            "to",
            "cc",
            "sendResolved",
            "connectTimeoutMs",
            "sendTimeoutMs",
            "maxBatch",
            "queueCapacity",
            "backoff"));
    String name = receiverName(receiver);
    String host = receiver.string("host", "").strip();
    if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(
          receiver.key("host"), "the SMTP server's host name or IP address is required");
    }
    int port = (int) receiver.integer("port", MailReceiverConfig.DEFAULT_PORT, 1, 65_535);
    String starttlsText = receiver.string("starttls", "OPTIONAL").strip();
    MailReceiverConfig.StartTls starttls;
    try {
      starttls = MailReceiverConfig.StartTls.valueOf(starttlsText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          receiver.key("starttls"),
          "must be DISABLED, OPTIONAL or REQUIRED, got " + ConfigChecks.quote(starttlsText));
    }
    boolean ssl = receiver.bool("ssl", false);
    String username = receiver.string("username", "").strip();
    String passwordEnv = receiver.string("passwordEnv", "").strip();
    String password = null;
    if (!passwordEnv.isEmpty()) {
      if (!ENV_NAME.matcher(passwordEnv).matches()) {
        throw new ConfigException(
            receiver.key("passwordEnv"),
            "must be the name of an environment variable, not the password itself");
      }
      password = environment.apply(passwordEnv);
      if (password == null) {
        throw new ConfigException(
            receiver.key("passwordEnv"), "the environment variable " + passwordEnv + " is not set");
      }
      if (username.isEmpty()) {
        throw new ConfigException(receiver.key("username"), "is required with passwordEnv");
      }
    }
    String from = mailAddress(receiver.key("from"), receiver.string("from", ""));
    List<String> to = mailAddresses(receiver, "to");
    if (to.isEmpty()) {
      throw new ConfigException(receiver.key("to"), "at least one address is required");
    }
    List<String> cc = mailAddresses(receiver, "cc");
    boolean sendResolved = receiver.bool("sendResolved", true);
    long connect =
        timeoutMs(receiver, "connectTimeoutMs", MailReceiverConfig.DEFAULT_CONNECT_TIMEOUT);
    long send = timeoutMs(receiver, "sendTimeoutMs", MailReceiverConfig.DEFAULT_SEND_TIMEOUT);
    int maxBatch = maxBatch(receiver, MailReceiverConfig.DEFAULT_MAX_BATCH);
    int capacity = queueCapacity(receiver, MailReceiverConfig.DEFAULT_QUEUE_CAPACITY, maxBatch);
    return new MailReceiverConfig(
        name,
        host,
        port,
        starttls,
        ssl,
        username,
        passwordEnv,
        password,
        from,
        to,
        cc,
        sendResolved,
        Duration.ofMillis(connect),
        Duration.ofMillis(send),
        maxBatch,
        capacity,
        backoff(receiver.section("backoff")));
  }

  private static RobotReceiverConfig robot(
      YamlSection receiver,
      RobotReceiverConfig.Vendor vendor,
      Function<String, String> environment) {
    receiver.allowOnly(
        Set.of(
            "name",
            "type",
            "url",
            "urlEnv",
            "secretEnv",
            "connectTimeoutMs",
            "requestTimeoutMs",
            "maxBatch",
            "queueCapacity",
            "backoff"));
    String name = receiverName(receiver);
    String urlInFile = receiver.string("url", "").strip();
    String urlEnv = receiver.string("urlEnv", "").strip();
    String url;
    if (!urlEnv.isEmpty()) {
      if (!urlInFile.isEmpty()) {
        throw new ConfigException(receiver.key("urlEnv"), "give either url or urlEnv, not both");
      }
      url =
          ConfigChecks.httpUrl(
              receiver.key("urlEnv"), environmentValue(receiver, "urlEnv", urlEnv, environment));
    } else if (urlInFile.isEmpty()) {
      throw new ConfigException(
          receiver.key("url"), "the robot's webhook URL is required (or urlEnv naming a variable)");
    } else {
      url = ConfigChecks.httpUrl(receiver.key("url"), urlInFile);
    }
    String secretEnv = receiver.string("secretEnv", "").strip();
    String secret = null;
    if (!secretEnv.isEmpty()) {
      if (!vendor.signs()) {
        throw new ConfigException(
            receiver.key("secretEnv"), vendor.wire() + " robots do not sign their messages");
      }
      secret = environmentValue(receiver, "secretEnv", secretEnv, environment);
      if (secret.isBlank()) {
        throw new ConfigException(
            receiver.key("secretEnv"), "the environment variable " + secretEnv + " is empty");
      }
      secret = secret.strip();
    }
    long connect =
        timeoutMs(receiver, "connectTimeoutMs", RobotReceiverConfig.DEFAULT_CONNECT_TIMEOUT);
    long request =
        timeoutMs(receiver, "requestTimeoutMs", RobotReceiverConfig.DEFAULT_REQUEST_TIMEOUT);
    int maxBatch = maxBatch(receiver, vendor.defaultMaxBatch());
    int capacity = queueCapacity(receiver, RobotReceiverConfig.DEFAULT_QUEUE_CAPACITY, maxBatch);
    return new RobotReceiverConfig(
        name,
        vendor,
        url,
        urlEnv,
        secretEnv,
        secret,
        Duration.ofMillis(connect),
        Duration.ofMillis(request),
        maxBatch,
        capacity,
        backoff(receiver.section("backoff")));
  }

  /**
   * The value of the environment variable named by {@code key}. A value that looks like the secret
   * itself rather than a variable's name is refused, so that it is not kept in the file.
   */
  private static String environmentValue(
      YamlSection receiver, String key, String variable, Function<String, String> environment) {
    if (!ENV_NAME.matcher(variable).matches() || LOOKS_LIKE_SECRET.matcher(variable).matches()) {
      throw new ConfigException(
          receiver.key(key),
          "must be the name of an environment variable (like ROBOT_SECRET), not the secret itself");
    }
    String value = environment.apply(variable);
    if (value == null) {
      throw new ConfigException(
          receiver.key(key), "the environment variable " + variable + " is not set");
    }
    return value;
  }

  private static List<String> mailAddresses(YamlSection receiver, String name) {
    List<String> given = receiver.strings(name);
    List<String> addresses = new ArrayList<>(given.size());
    for (int i = 0; i < given.size(); i++) {
      addresses.add(mailAddress(receiver.key(name) + "[" + i + "]", given.get(i)));
    }
    return addresses;
  }

  /** A bare address ({@code a@b}); enough to catch a typo, the server judges the rest. */
  private static String mailAddress(String key, String value) {
    String address = value.strip();
    if (address.isEmpty()) {
      throw new ConfigException(key, "a mail address is required");
    }
    if (!MAIL_ADDRESS.matcher(address).matches()) {
      throw new ConfigException(
          key, ConfigChecks.quote(address) + " is not a mail address (like ops@example.com)");
    }
    return address;
  }

  private static String receiverName(YamlSection receiver) {
    String name =
        receiver
            .string("name")
            .orElseThrow(() -> new ConfigException(receiver.key("name"), "is required"));
    if (!ConfigChecks.RECEIVER_NAME.matcher(name).matches()) {
      throw new ConfigException(
          receiver.key("name"),
          ConfigChecks.quote(name) + " must be 1-64 characters of letters, digits, '_' and '-'");
    }
    return name;
  }

  private static int maxBatch(YamlSection receiver, int defaultValue) {
    return (int) receiver.integer("maxBatch", defaultValue, 1, 100_000);
  }

  private static int queueCapacity(YamlSection receiver, int defaultValue, int maxBatch) {
    int capacity = (int) receiver.integer("queueCapacity", defaultValue, 1, 10_000_000);
    if (capacity < maxBatch) {
      throw new ConfigException(
          receiver.key("queueCapacity"),
          "must be at least maxBatch (" + maxBatch + "), got " + capacity);
    }
    return capacity;
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

  /** A timeout in milliseconds, 1 to {@value #MAX_TIMEOUT_MS}, defaulting to {@code fallback}. */
  private static long timeoutMs(YamlSection receiver, String key, java.time.Duration fallback) {
    return receiver.integer(key, fallback.toMillis(), 1, MAX_TIMEOUT_MS);
  }
}
