package io.flumesentinel.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the monitor's YAML file into a validated {@link MonitorConfig}.
 *
 * <p>Every problem is a {@link ConfigException} whose message is one line naming the full key path
 * ({@code receivers[1].urls[0]: ...}) or, for an unreadable or malformed file, the file itself.
 * Unknown keys are errors, so a typo never silently falls back to a default. Absent keys take the
 * defaults of the config records. Secrets never come from this file. The file is bound to the
 * records by Jackson databind (each record's {@code read} factory says how it is written).
 *
 * <p>Durations are written as {@link DurationText} reads them: {@code 500ms}, {@code 30s}, {@code
 * 5m}, {@code 4h}, {@code 2d}. The keys ending in {@code Ms} that came before them ({@code
 * sessionTimeoutMs: 15000}) are still read, as whole milliseconds, with a warning naming the key
 * that replaces each ({@link DurationKey}).
 *
 * <pre>
 * zookeeper:
 *   connect: "zk1:2181,zk2:2181"   # omit or empty: start an embedded ZooKeeper (try-out only)
 *   root: /flume-sentinel           # protocol root znode
 *   sessionTimeout: 15s             # 1s..10m
 *   connectionTimeout: 5s           # 1ms..sessionTimeout
 *   embedded: { port: 2181, dataDir: ./data/zookeeper }   # used only when connect is empty
 *   tls:                            # optional: TLS to the ensemble's secureClientPort
 *     keyStore: { location: /etc/flume-sentinel/zk-client.p12, passwordEnv: ZK_KEYSTORE_PASSWORD }
 *     trustStore: { location: /etc/flume-sentinel/zk-ca.p12, passwordFile: /run/secrets/zk-trust }
 *     hostnameVerification: true   # the server's certificate must name the host connected to
 * http:                             # health, status and the API
 *   host: 0.0.0.0
 *   port: 8080                      # 0: any free port
 *   tls: { certFile: tls.crt, keyFile: tls.key }   # optional; or keyStore: { location, passwordEnv }
 *   auth: { tokensFile: tokens, readTokenEnv: NAME, writeTokenEnv: NAME }   # optional: bearer tokens
 *   rateLimit: { perSecond: 20, burst: 60 }   # per client address; false: off
 * externalUrl: ""                   # how operators reach this monitor; sent as externalURL
 * classifier: { grace: 0s, startTimeout: 60s }   # 0..1d, 1ms..1d
 * flapping: { enabled: true, maxDowns: 3, within: 10m, stableFor: 10m }   # 1s..1d
 * hostDown: { minAgents: 5, within: 30s }   # off unless given; enabled: false switches it off
 * receivers:
 *   - name: ops                     # [A-Za-z0-9_-]+, unique
 *     type: webhook                 # webhook (the default), mail, dingtalk, wecom, feishu, slack
 *     urls: [ "http://alertmanager:9093/api/v1/alerts-webhook", "http://backup:9093/hook" ]   # failover, in order
 *     connectTimeout: 2s            # 1ms..10m, as every receiver's timeouts
 *     requestTimeout: 5s
 *     maxBatch: 500                 # at least 1
 *     queueCapacity: 100000         # at least maxBatch
 *     backoff: { initial: 200ms, max: 30s, multiplier: 2.0, jitter: 0.2 }   # multiplier &gt;= 1, 0 &lt;= jitter &lt; 1
 *     signature: { secretEnv: WEBHOOK_SECRET }   # optional: the NAME of the variable with the HMAC secret
 *   - name: oncall-mail
 *     type: mail
 *     host: smtp.example.com        # required
 *     port: 587                     # default 25
 *     starttls: REQUIRED            # DISABLED, OPTIONAL (the default) or REQUIRED
 *     ssl: false                    # TLS from the start (SMTPS, port 465)
 *     username: sentinel            # omit for a relay without login
 *     passwordEnv: SMTP_PASSWORD    # the NAME of the environment variable holding the password
 *     from: sentinel@example.com    # required
 *     to: [ oncall@example.com ]    # at least one
 *     cc: [ team@example.com ]
 *     sendResolved: true
 *     connectTimeout: 5s
 *     sendTimeout: 30s              # one whole mail, connection included
 *     maxBatch: 100                 # alerts in one mail
 *     queueCapacity: 100000
 *     backoff: { initial: 200ms, max: 30s }
 *   - name: ops-dingtalk
 *     type: dingtalk                # dingtalk, wecom, feishu or slack
 *     url: "https://oapi.dingtalk.com/robot/send?access_token=..."   # or urlEnv: the NAME of a variable
 *     secretEnv: DINGTALK_SECRET    # dingtalk and feishu only: the NAME of the variable with the secret
 *     connectTimeout: 2s
 *     requestTimeout: 5s
 *     maxBatch: 50                  # wecom 20, slack 40
 * cluster: false                    # or a mapping { enabled, zookeeperPath, host, port, tls, insecure }
 * #  tls: { keyStore: { location: member.p12, passwordEnv: CLUSTER_TLS_PASSWORD },   # or passwordFile
 * #        trustStore: { location: ca.pem } }   # stores as zookeeper.tls's; PEM: keyLocation
 * #  insecure: false                 # cluster mode needs tls, or insecure: true said outright
 * silences: { maxDuration: 30d }    # a longer silence read from ZooKeeper mutes nothing (1m..3650d)
 * history: { enabled: true, dir: data/history, retention: 14d, maxRecords: 1000000 }   # docs/history.md
 * route:                            # optional; without it every alert goes to every receiver
 *   receivers: [ ops ]              # the default route: what no child takes; at least one
 *   groupBy: [ alertname ]          # labels making a group, one message per group; [ "..." ]: all
 *   groupWait: 0s                   # a new group's first alert waits this long (at most 1h)
 *   groupInterval: 0s               # a group just sent waits this long for its next (at most 1h)
 *   repeatInterval: 4h              # still firing: sent again after this long (1m..90d)
 *   routes:
 *     - match: { group: ingest }    # exact label values
 *       matchRe: { host: "flume-0[1-4]" }   # regexes matching the whole label value
 *       receivers: [ oncall-mail ]  # existing receivers; omitted: the parent's
 *       continue: false             # true: later siblings are tried too
 *       groupBy: [ alertname, host ]   # grouping keys: the parent's if omitted
 *       routes: [ ]                 # nested, same shape
 * </pre>
 */
public final class ConfigLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

  private ConfigLoader() {}

  /** Loads and validates {@code file}. */
  public static MonitorConfig load(Path file) {
    return parse(read(file), file.toString());
  }

  /**
   * Loads {@code file} (defaults when {@code null}) and then applies the command-line overrides.
   */
  public static MonitorConfig load(Path file, ConfigOverrides overrides) {
    MonitorConfig config = file == null ? MonitorConfig.defaults() : load(file);
    return overrides.applyTo(config);
  }

  /**
   * Validates YAML text.
   *
   * @param origin names the text in syntax errors, usually the file name
   */
  public static MonitorConfig parse(String yaml, String origin) {
    return parse(yaml, origin, System::getenv);
  }

  /**
   * Validates YAML text, reading the secrets it names (such as a mail receiver's {@code
   * passwordEnv}) from {@code environment}. A deprecated key is logged as a warning naming its
   * replacement.
   *
   * @param environment the value of an environment variable by name, {@code null} if unset
   */
  public static MonitorConfig parse(
      String yaml, String origin, Function<String, String> environment) {
    return parse(yaml, origin, environment, LOG::warn);
  }

  /**
   * Validates YAML text.
   *
   * @param warnings told of each deprecated key, in one line naming it and what replaces it
   */
  static MonitorConfig parse(
      String yaml, String origin, Function<String, String> environment, Consumer<String> warnings) {
    return YamlBinding.bind(mapping(yaml, origin), environment, warnings);
  }

  /**
   * Loads the ZooKeeper authentication and ACL file of the one-shot commands and the supervisor
   * ({@code --zk-auth}): the keys {@code auth} and {@code acl}, as under {@code zookeeper} in the
   * monitor's file. Problems name the key ({@code acl.agents[0]: ...}) or the file.
   */
  public static ZkAccess loadZkAccess(Path file) {
    return parseZkAccess(read(file), file.toString(), System::getenv);
  }

  /** Validates the text of a {@code --zk-auth} file; {@code origin} names it in syntax errors. */
  public static ZkAccess parseZkAccess(
      String yaml, String origin, Function<String, String> environment) {
    return YamlBinding.bind(mapping(yaml, origin), ZkAccess.class, environment, LOG::warn);
  }

  /**
   * The {@code zookeeper.auth} and {@code zookeeper.acl} keys of another file (the supervisor's),
   * given as a tree; problems name {@code <at>.auth...}.
   */
  public static ZkAccess zkAccess(JsonNode section, String at) {
    try {
      return YamlBinding.bind(section, ZkAccess.class, System::getenv, LOG::warn);
    } catch (ConfigException e) {
      throw new ConfigException(e.key().isEmpty() ? at : at + "." + e.key(), e.problem());
    }
  }

  private static JsonNode mapping(String yaml, String origin) {
    JsonNode document;
    try {
      document = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException(origin, syntaxError(e));
    }
    if (document == null || document.isMissingNode() || document.isNull()) {
      return YAML.createObjectNode();
    }
    if (!document.isObject()) {
      throw new ConfigException(
          origin,
          "the top level must be a mapping of keys, got "
              + (document.isArray() ? "a list" : ConfigChecks.quote(document.asText())));
    }
    return document;
  }

  /**
   * Reads a file holding only the keys of the {@code zookeeper.tls} section ({@link ZkTlsConfig}),
   * as {@code --zk-tls-config} names it. Problems name the file and the key.
   */
  public static ZkTlsConfig loadZkTls(Path file) {
    String origin = file.toString();
    JsonNode document;
    try {
      document = YAML.readTree(read(file));
    } catch (JsonProcessingException e) {
      throw new ConfigException(origin, syntaxError(e));
    }
    try {
      return zkTls(document);
    } catch (ConfigException e) {
      throw new ConfigException(e.key().isEmpty() ? origin : origin + ": " + e.key(), e.problem());
    }
  }

  /**
   * Binds a {@code zookeeper.tls} mapping already read from another file (the supervisor's);
   * problems name the key within the mapping ({@code keyStore.location}).
   */
  public static ZkTlsConfig zkTls(JsonNode section) {
    if (section == null || section.isMissingNode() || section.isNull()) {
      section = YAML.createObjectNode();
    }
    return YamlBinding.bind(section, ZkTlsConfig.class, System::getenv, LOG::warn);
  }

  private static String read(Path file) {
    String name = file.toString();
    if (Files.isDirectory(file)) {
      throw new ConfigException(name, "is a directory, not a config file");
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, "config file not found");
    } catch (AccessDeniedException e) {
      throw new ConfigException(name, "cannot read the config file: permission denied");
    } catch (CharacterCodingException e) {
      throw new ConfigException(name, "the config file is not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(name, "cannot read the config file: " + e.getMessage());
    }
  }

  /** "YAML syntax error at line 3, column 7: <what the parser expected>", on one line. */
  private static String syntaxError(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
      // SnakeYAML's own problem and mark point at the offending token; Jackson's location and
      // message describe the enclosing construct ("while parsing a flow sequence").
      Mark mark = yaml.getProblemMark();
      return syntaxError(mark.getLine() + 1, mark.getColumn() + 1, yaml.getProblem());
    }
    JsonLocation location = e.getLocation();
    return syntaxError(
        location == null ? -1 : location.getLineNr(),
        location == null ? -1 : location.getColumnNr(),
        e.getOriginalMessage());
  }

  private static String syntaxError(int line, int column, String problem) {
    String firstLine =
        problem == null
            ? ""
            : problem.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    String where = line < 1 ? "" : " at line " + line + ", column " + column;
    return "YAML syntax error"
        + where
        + ": "
        + (firstLine.isEmpty() ? "malformed document" : firstLine);
  }
}
