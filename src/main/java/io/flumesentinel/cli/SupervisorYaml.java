package io.flumesentinel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flumesentinel.config.ConfigException;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.ZkAccess;
import io.flumesentinel.config.ZkTlsConfig;
import io.flumesentinel.supervisor.SupervisorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The agents of one host, from a YAML file (example: {@code conf/supervisor.yaml}):
 *
 * <pre>
 * zookeeper: { connect: "zk1:2181,zk2:2181", root: /flume-sentinel, sessionTimeoutMs: 10000 }
 *   # optional, as in the monitor's file: tls: { keyStore: {...}, trustStore: {...} }
 * defaults:  { restart: on-failure, stopTimeoutMs: 10000 }      # any agent key, for every agent
 * agents:
 *   - id: a1
 *     group: ingest
 *     labels: { dc: east }
 *     advertise: { avro: "flume1:4141" }   # into the live node, for the log appender
 *     command: [ java, -cp, "/opt/flume/lib/*", org.apache.flume.node.Application, -n, a1, -f, a1.conf ]
 * </pre>
 *
 * Each agent entry means exactly what the same {@code supervise} options mean (a key per option, in
 * camel case: {@code restartDelayMs} is {@code --restart-delay-ms}), and is checked by the same
 * code, so the file and the command line cannot drift apart. Every problem names its key: {@code
 * agents[1].restart: ...}. Unknown keys are errors.
 */
final class SupervisorYaml {

  /** YAML key of an agent → the supervise option it stands for. */
  private static final Map<String, String> AGENT_KEYS = new LinkedHashMap<>();

  /** YAML key under zookeeper → the supervise option it stands for. */
  private static final Map<String, String> ZOOKEEPER_KEYS =
      Map.of(
          "connect", "--zk",
          "root", "--root",
          "sessionTimeoutMs", "--zk-session-timeout-ms",
          "connectionTimeoutMs", "--zk-connection-timeout-ms");

  /** Keys under zookeeper that are no option: authentication and ACLs, as in the monitor's file. */
  private static final Set<String> ACCESS_KEYS = Set.of("auth", "acl");

  static {
    AGENT_KEYS.put("id", "--agent");
    AGENT_KEYS.put("group", "--group");
    AGENT_KEYS.put("host", "--host");
    AGENT_KEYS.put("version", "--agent-version");
    AGENT_KEYS.put("labels", "--label");
    AGENT_KEYS.put("advertise", "--advertise");
    AGENT_KEYS.put("restart", "--restart");
    AGENT_KEYS.put("stopTimeoutMs", "--stop-timeout-ms");
    AGENT_KEYS.put("restartDelayMs", "--restart-delay-ms");
    AGENT_KEYS.put("restartDelayFactor", "--restart-delay-factor");
    AGENT_KEYS.put("restartDelayMaxMs", "--restart-delay-max-ms");
    AGENT_KEYS.put("restartResetMs", "--restart-reset-ms");
    AGENT_KEYS.put("startLimit", "--start-limit");
    AGENT_KEYS.put("startWindowMs", "--start-window-ms");
    AGENT_KEYS.put("flumeMetrics", "--flume-metrics");
    AGENT_KEYS.put("healthIntervalMs", "--health-interval-ms");
    AGENT_KEYS.put("healthTimeoutMs", "--health-timeout-ms");
    AGENT_KEYS.put("stuckFillPercent", "--stuck-fill-percent");
    AGENT_KEYS.put("stuckForMs", "--stuck-for-ms");
    AGENT_KEYS.put("healthStartGraceMs", "--health-start-grace-ms");
    AGENT_KEYS.putAll(PolicyOptions.YAML_KEYS);
    AGENT_KEYS.put("sourceIdle", "--source-idle");
    AGENT_KEYS.put("sourceIdleForMs", "--source-idle-for-ms");
    AGENT_KEYS.put("sinkStalledForMs", "--sink-stalled-for-ms");
    AGENT_KEYS.put("fillTrendWindowMs", "--fill-trend-window-ms");
    AGENT_KEYS.put("fillFullWithinMs", "--fill-full-within-ms");
    AGENT_KEYS.put("errorsQuietMs", "--errors-quiet-ms");
    AGENT_KEYS.put("command", "COMMAND");
  }

  /** The key under zookeeper of the TLS mapping, as the monitor's file writes it. */
  private static final String TLS = "tls";

  private SupervisorYaml() {}

  private static ZkTlsConfig tls(JsonNode section) {
    if (!section.isObject()) {
      throw new ConfigException("zookeeper.tls", "must be a map (keyStore, trustStore, ...)");
    }
    try {
      return ConfigLoader.zkTls(section);
    } catch (ConfigException e) {
      throw new ConfigException(
          e.key().isEmpty() ? "zookeeper.tls" : "zookeeper.tls." + e.key(), e.problem());
    }
  }

  static List<SupervisorConfig> load(Path file) {
    JsonNode root = read(file);
    expectKeys(root, "", Set.of("zookeeper", "defaults", "agents"));
    List<String> zookeeperArgs = new ArrayList<>();
    Map<String, String> keyOfOption = new LinkedHashMap<>();
    JsonNode zookeeper = root.path("zookeeper");
    Set<String> zookeeperKeys = new HashSet<>(ZOOKEEPER_KEYS.keySet());
    zookeeperKeys.add(TLS);
    zookeeperKeys.addAll(ACCESS_KEYS);
    expectKeys(zookeeper, "zookeeper", zookeeperKeys);
    ZkTlsConfig tls = zookeeper.has(TLS) ? tls(zookeeper.get(TLS)) : null;
    ZkAccess access = access(zookeeper);
    zookeeper
        .fields()
        .forEachRemaining(
            field -> {
              if (field.getKey().equals(TLS) || ACCESS_KEYS.contains(field.getKey())) {
                return;
              }
              String option = ZOOKEEPER_KEYS.get(field.getKey());
              keyOfOption.put(option, "zookeeper." + field.getKey());
              zookeeperArgs.add(option);
              zookeeperArgs.add(scalar(field.getValue(), "zookeeper." + field.getKey()));
            });
    if (!zookeeper.has("connect")) {
      throw new ConfigException("zookeeper.connect", "is required");
    }
    JsonNode defaults = root.path("defaults");
    expectKeys(defaults, "defaults", AGENT_KEYS.keySet());
    JsonNode agents = root.path("agents");
    if (!agents.isArray() || agents.isEmpty()) {
      throw new ConfigException("agents", "must list at least one agent");
    }
    List<SupervisorConfig> configs = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < agents.size(); i++) {
      String at = "agents[" + i + "]";
      JsonNode agent = agents.get(i);
      if (!agent.isObject()) {
        throw new ConfigException(at, "must be a map of agent keys");
      }
      expectKeys(agent, at, AGENT_KEYS.keySet());
      Map<String, String> keys = new LinkedHashMap<>(keyOfOption);
      List<String> args = new ArrayList<>(zookeeperArgs);
      appendAgent(defaults, "defaults", args, keys);
      appendAgent(agent, at, args, keys);
      if (!agent.has("id")) {
        throw new ConfigException(at + ".id", "is required");
      }
      SupervisorConfig config = parse(args, keys, at).withZkTls(tls).withAccess(access);
      if (!ids.add(config.agentId())) {
        throw new ConfigException(at + ".id", "'" + config.agentId() + "' is listed twice");
      }
      configs.add(config);
    }
    return configs;
  }

  /**
   * {@code zookeeper.auth} and {@code zookeeper.acl}: read as the monitor reads them, for every
   * agent of the file (their supervisors share one identity).
   */
  private static ZkAccess access(JsonNode zookeeper) {
    ObjectNode section = JsonNodeFactory.instance.objectNode();
    for (String key : ACCESS_KEYS) {
      if (zookeeper.has(key)) {
        section.set(key, zookeeper.get(key));
      }
    }
    return section.isEmpty() ? ZkAccess.none() : ConfigLoader.zkAccess(section, "zookeeper");
  }

  /**
   * The options one agent entry stands for; an agent's own keys come after (and win over) defaults.
   */
  private static void appendAgent(
      JsonNode agent, String at, List<String> args, Map<String, String> keys) {
    List<String> command = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = agent.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = at + "." + field.getKey();
      String option = AGENT_KEYS.get(field.getKey());
      keys.put(option, key);
      switch (field.getKey()) {
        case "labels", "advertise" -> {
          if (!field.getValue().isObject()) {
            throw new ConfigException(
                key,
                "labels".equals(field.getKey())
                    ? "must be a map of label names to values"
                    : "must be a map of names to HOST:PORT");
          }
          field
              .getValue()
              .fields()
              .forEachRemaining(
                  label -> {
                    args.add(option);
                    args.add(
                        label.getKey()
                            + "="
                            + scalar(label.getValue(), key + "." + label.getKey()));
                  });
        }
        case "sourceIdle" -> {
          // a list of source names, or one name ('*': every source)
          JsonNode value = field.getValue();
          if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
              args.add(option);
              args.add(scalar(value.get(i), key + "[" + i + "]"));
            }
          } else {
            args.add(option);
            args.add(scalar(value, key));
          }
        }
        case "command" -> {
          JsonNode value = field.getValue();
          if (!value.isArray() || value.isEmpty()) {
            throw new ConfigException(key, "must be a list: the program and its arguments");
          }
          command = new ArrayList<>();
          for (int i = 0; i < value.size(); i++) {
            command.add(scalar(value.get(i), key + "[" + i + "]"));
          }
        }
        default -> {
          args.add(option);
          args.add(scalar(field.getValue(), key));
        }
      }
    }
    if (command != null) {
      args.add("--");
      args.addAll(command);
    }
  }

  /** Parses the options with the supervise command itself, naming YAML keys in its errors. */
  private static SupervisorConfig parse(List<String> args, Map<String, String> keys, String at) {
    SuperviseCommand command = new SuperviseCommand(config -> 0);
    try {
      new CommandLine(command)
          .setOverwrittenOptionsAllowed(true)
          .parseArgs(lastCommandOnly(args).toArray(String[]::new));
      return command.config();
    } catch (ConfigException e) {
      throw new ConfigException(keyOf(e.key(), keys, at), problemOf(e));
    } catch (CommandLine.ParameterException e) {
      String option =
          e.getArgSpec() instanceof CommandLine.Model.OptionSpec spec
              ? spec.longestName()
              : e.getArgSpec() instanceof CommandLine.Model.PositionalParamSpec ? "COMMAND" : null;
      throw new ConfigException(option == null ? at : keyOf(option, keys, at), e.getMessage());
    }
  }

  /** The YAML key of an option: where it was given, else where it belongs in this agent's entry. */
  private static String keyOf(String option, Map<String, String> keys, String at) {
    if (keys.containsKey(option)) {
      return keys.get(option);
    }
    return AGENT_KEYS.entrySet().stream()
        .filter(e -> e.getValue().equals(option))
        .map(e -> at + "." + e.getKey())
        .findFirst()
        .orElse(at);
  }

  /** Defaults may give a command too; only the last one (the agent's own) counts. */
  private static List<String> lastCommandOnly(List<String> args) {
    int first = args.indexOf("--");
    int last = args.lastIndexOf("--");
    if (first == last) {
      return args;
    }
    List<String> kept = new ArrayList<>(args.subList(0, first));
    kept.addAll(args.subList(last, args.size()));
    return kept;
  }

  private static String problemOf(ConfigException e) {
    String message = e.getMessage();
    return message.startsWith(e.key() + ": ") ? message.substring(e.key().length() + 2) : message;
  }

  private static void expectKeys(JsonNode node, String at, Set<String> allowed) {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      throw new ConfigException(at.isEmpty() ? "(file)" : at, "must be a map");
    }
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!allowed.contains(name)) {
                throw new ConfigException(at.isEmpty() ? name : at + "." + name, "unknown key");
              }
            });
  }

  private static String scalar(JsonNode value, String key) {
    if (value == null || !value.isValueNode() || value.isNull()) {
      throw new ConfigException(key, "must be a single value");
    }
    return value.asText();
  }

  private static JsonNode read(Path file) {
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
      if (root == null || root.isMissingNode()) {
        throw new ConfigException("--config", file + " is empty");
      }
      return root;
    } catch (NoSuchFileException e) {
      throw new ConfigException("--config", "no such file: " + file);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new ConfigException(
          "--config", file + " is not valid YAML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
    }
  }
}
