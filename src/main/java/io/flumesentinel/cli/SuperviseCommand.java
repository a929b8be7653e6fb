package io.flumesentinel.cli;

import io.flumesentinel.config.ConfigException;
import io.flumesentinel.protocol.AgentId;
import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.supervisor.FlowJudge;
import io.flumesentinel.supervisor.HealthJudge;
import io.flumesentinel.supervisor.HealthWatch;
import io.flumesentinel.supervisor.RestartPolicy;
import io.flumesentinel.supervisor.Supervisor;
import io.flumesentinel.supervisor.SupervisorConfig;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flume-sentinel supervise ... -- COMMAND ARGS...}: runs a Flume agent, registers it in
 * ZooKeeper, records its crashes and restarts it. Runs in the foreground until stopped (SIGTERM,
 * which deregisters the agent) or until it gives up (exit status 1).
 */
@Command(
    name = "supervise",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Runs COMMAND (directly, no shell) as Flume agent ID, registers it in ZooKeeper, records why it"
          + " ended when it crashes and restarts it. SIGTERM or SIGINT stops the agent and deregisters it:"
          + " no alert.",
      "Example: flume-sentinel supervise --zk zk1:2181 --agent a1 -- java -cp 'lib/*'"
          + " org.apache.flume.node.Application -n a1 -f a1.conf"
    })
public final class SuperviseCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML file listing the agents of this host (see conf/supervisor.yaml); instead of --agent and a"
              + " command.")
  private Path configFile;

  @Option(
      names = "--zk",
      paramLabel = "CONNECT",
      description = "ZooKeeper connect string, e.g. zk1:2181,zk2:2181. Required without --config.")
  private String zkConnect;

  @Option(
      names = "--zk-auth",
      paramLabel = "FILE",
      description =
          "ZooKeeper authentication and ACLs: a YAML file with the keys auth and acl (see"
              + " docs/security.md); with --config, give them under zookeeper in that file."
              + " Passwords stay in the files it names.")
  private Path zkAuth;

  @Option(
      names = "--agent",
      paramLabel = "ID",
      description = "Agent id: 1-128 of [A-Za-z0-9._-]. Required without --config.")
  private String agentId;

  @Option(
      names = "--root",
      paramLabel = "PATH",
      description = "Root znode (default ${DEFAULT-VALUE}).")
  private String root = ZkLayout.DEFAULT_ROOT;

  @Option(
      names = "--group",
      paramLabel = "G",
      description = "Agent group (default ${DEFAULT-VALUE}).")
  private String group = "default";

  @Option(
      names = "--label",
      paramLabel = "k=v",
      description = "A label copied to every alert of this agent; repeatable.")
  private List<String> labels = List.of();

  @Option(
      names = "--advertise",
      paramLabel = "NAME=HOST:PORT",
      description =
          "An endpoint of the agent written into its live node, e.g. avro=flume1:4141 for its Avro"
              + " source (the log appender sends there); repeatable, one per name.")
  private List<String> advertise = List.of();

  @Option(
      names = "--host",
      paramLabel = "NAME",
      description = "Host name to register (default: this machine's name).")
  private String host;

  @Option(
      names = "--agent-version",
      paramLabel = "TEXT",
      description = "Version written into the live node.")
  private String agentVersion = "";

  @Option(
      names = "--restart",
      paramLabel = "POLICY",
      description = "on-failure (default), always or no.")
  private String restart = "on-failure";

  @Option(
      names = "--stop-timeout-ms",
      paramLabel = "N",
      description = "SIGKILL the agent this long after SIGTERM (default ${DEFAULT-VALUE}).")
  private long stopTimeoutMs = SupervisorConfig.DEFAULT_STOP_TIMEOUT.toMillis();

  @Option(
      names = "--restart-delay-ms",
      paramLabel = "N",
      description = "First restart delay (default ${DEFAULT-VALUE}).")
  private long restartDelayMs = RestartPolicy.Settings.defaults().initialDelay().toMillis();

  @Option(
      names = "--restart-delay-factor",
      paramLabel = "F",
      description = "Each further restart waits F times longer (default ${DEFAULT-VALUE}).")
  private double restartFactor = RestartPolicy.Settings.defaults().factor();

  @Option(
      names = "--restart-delay-max-ms",
      paramLabel = "N",
      description = "Longest restart delay (default ${DEFAULT-VALUE}).")
  private long restartDelayMaxMs = RestartPolicy.Settings.defaults().maxDelay().toMillis();

  @Option(
      names = "--restart-reset-ms",
      paramLabel = "N",
      description = "A run this long resets the delay (default ${DEFAULT-VALUE}).")
  private long resetAfterMs = RestartPolicy.Settings.defaults().resetAfter().toMillis();

  @Option(
      names = "--start-limit",
      paramLabel = "N",
      description = "Give up after N starts within the start window (default ${DEFAULT-VALUE}).")
  private int startLimit = RestartPolicy.Settings.defaults().startLimit();

  @Option(
      names = "--start-window-ms",
      paramLabel = "N",
      description = "The start window (default ${DEFAULT-VALUE}).")
  private long startWindowMs = RestartPolicy.Settings.defaults().startWindow().toMillis();

  @Option(
      names = "--zk-session-timeout-ms",
      paramLabel = "N",
      description =
          "ZooKeeper session timeout: how long a dead host stays unnoticed (default ${DEFAULT-VALUE}).")
  private long sessionTimeoutMs = 10_000;

  @Option(
      names = "--zk-connection-timeout-ms",
      paramLabel = "N",
      description = "ZooKeeper connection timeout (default ${DEFAULT-VALUE}).")
  private long connectionTimeoutMs = 5_000;

  @Mixin private ZkTlsOption zkTls = new ZkTlsOption();

  @Mixin private PolicyOptions policyOptions = new PolicyOptions();

  @Option(
      names = "--flume-metrics",
      paramLabel = "URL",
      description =
          "Flume's HTTP metrics (-Dflume.monitoring.type=http), e.g. http://127.0.0.1:34545/metrics: report STUCK and HUNG agents. Not watched when absent.")
  private String flumeMetrics;

  @Option(
      names = "--health-interval-ms",
      paramLabel = "N",
      description = "Time between two looks at the metrics (default ${DEFAULT-VALUE}).")
  private long healthIntervalMs = HealthWatch.DEFAULT_INTERVAL.toMillis();

  @Option(
      names = "--health-timeout-ms",
      paramLabel = "N",
      description = "Connect and request timeout of one look (default ${DEFAULT-VALUE}).")
  private long healthTimeoutMs = HealthWatch.DEFAULT_TIMEOUT.toMillis();

  @Option(
      names = "--stuck-fill-percent",
      paramLabel = "P",
      description = "A channel this full or fuller counts as full (default ${DEFAULT-VALUE}).")
  private double stuckFillPercent = HealthWatch.DEFAULT_FILL_PERCENT;

  @Option(
      names = "--stuck-for-ms",
      paramLabel = "N",
      description =
          "A channel full, or metrics not answering, this long is STUCK, or HUNG (default ${DEFAULT-VALUE}).")
  private long stuckForMs = HealthWatch.DEFAULT_STUCK_FOR.toMillis();

  @Option(
      names = "--health-start-grace-ms",
      paramLabel = "N",
      description =
          "How long a new run's metrics may take to answer the first time (default ${DEFAULT-VALUE}).")
  private long startGraceMs = HealthWatch.DEFAULT_START_GRACE.toMillis();

  @Option(
      names = "--source-idle",
      paramLabel = "SOURCE",
      description =
          "A source expected to receive: FlumeSourceIdle when it receives nothing for --source-idle-for-ms;"
              + " repeatable, '*' for every source. None by default.")
  private List<String> idleSources = List.of();

  @Option(
      names = "--source-idle-for-ms",
      paramLabel = "N",
      description = "How long an expected source may receive nothing (default ${DEFAULT-VALUE}).")
  private long sourceIdleForMs = FlowJudge.Settings.DEFAULT_SOURCE_IDLE_FOR.toMillis();

  @Option(
      names = "--sink-stalled-for-ms",
      paramLabel = "N",
      description =
          "How long a sink may drain nothing while its channel holds events (default ${DEFAULT-VALUE}).")
  private long sinkStalledForMs = FlowJudge.Settings.DEFAULT_SINK_STALLED_FOR.toMillis();

  @Option(
      names = "--fill-trend-window-ms",
      paramLabel = "N",
      description = "How far back a channel's fill trend looks (default ${DEFAULT-VALUE}).")
  private long fillWindowMs = FlowJudge.Settings.DEFAULT_FILL_WINDOW.toMillis();

  @Option(
      names = "--fill-full-within-ms",
      paramLabel = "N",
      description =
          "FlumeChannelFilling when the trend predicts a channel full within this time (default ${DEFAULT-VALUE}).")
  private long fillWithinMs = FlowJudge.Settings.DEFAULT_FILL_WITHIN.toMillis();

  @Option(
      names = "--errors-quiet-ms",
      paramLabel = "N",
      description =
          "FlumeAgentErrors resolves when a component's error counters have not risen for this long"
              + " (default ${DEFAULT-VALUE}).")
  private long errorsQuietMs = FlowJudge.Settings.DEFAULT_ERRORS_QUIET_FOR.toMillis();

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "The agent's command and arguments, after '--'.")
  private List<String> command;

  private final SupervisorLauncher launcher;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  public SuperviseCommand(SupervisorLauncher launcher) {
    this.launcher = launcher;
  }

  @Override
  public Integer call() throws Exception {
    if (configFile == null) {
      return launcher.run(config());
    }
    if (agentId != null || (command != null && !command.isEmpty())) {
      fail("--config", "lists the agents itself: do not give --agent or a command with it");
    }
    if (zkAuth != null) {
      fail("--zk-auth", "give zookeeper.auth and zookeeper.acl in the --config file instead");
    }
    return launcher.runAll(SupervisorYaml.load(configFile));
  }

  SupervisorConfig config() {
    if (zkConnect == null) {
      missing(spec.findOption("--zk"), "Missing required option: '--zk=CONNECT' (or --config)");
    }
    if (agentId == null) {
      missing(spec.findOption("--agent"), "Missing required option: '--agent=ID' (or --config)");
    }
    if (command == null || command.isEmpty()) {
      missing(
          spec.positionalParameters().get(0),
          "Missing required parameter: 'COMMAND': the agent's command and arguments, after '--'");
    }
    String id =
        AgentId.problem(agentId) == null ? agentId : fail("--agent", AgentId.problem(agentId));
    ZkLayout layout;
    try {
      layout = new ZkLayout(root);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--root", e.getMessage());
    }
    if (zkConnect.isBlank()) {
      fail("--zk", "is empty");
    }
    RestartPolicy.Mode mode;
    try {
      mode = RestartPolicy.Mode.parse(restart);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--restart", e.getMessage());
    }
    if (!(restartFactor >= 1.0 && restartFactor <= 100)) {
      fail("--restart-delay-factor", "must be between 1 and 100, got " + restartFactor);
    }
    if (startLimit < 1) {
      fail("--start-limit", "must be at least 1, got " + startLimit);
    }
    RestartPolicy.Settings settings =
        new RestartPolicy.Settings(
            mode,
            millis("--restart-delay-ms", restartDelayMs, 0),
            restartFactor,
            millis("--restart-delay-max-ms", restartDelayMaxMs, 0),
            millis("--restart-reset-ms", resetAfterMs, 0),
            startLimit,
            millis("--start-window-ms", startWindowMs, 0));
    return new SupervisorConfig(
            zkConnect.strip(),
            layout,
            id,
            host == null ? localHostName() : host,
            group,
            labels(),
            agentVersion,
            command,
            settings,
            millis("--stop-timeout-ms", stopTimeoutMs, 0),
            millis("--zk-session-timeout-ms", sessionTimeoutMs, 1000),
            millis("--zk-connection-timeout-ms", connectionTimeoutMs, 100),
            Supervisor.setprivAvailable(),
            healthWatch(),
            zkTls.load(),
            CommandZooKeeper.access(zkAuth))
        .withAdvertise(advertised())
        .withPolicies(policyOptions.policies(flumeMetrics != null));
  }

  private Map<String, String> advertised() {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String item : advertise) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        fail("--advertise", "'" + item + "' is not NAME=HOST:PORT");
      }
      String name = item.substring(0, eq);
      String endpoint = item.substring(eq + 1).strip();
      if (!LiveNode.ADVERTISE_NAME.matcher(name).matches()) {
        fail("--advertise", "'" + name + "' is not a valid name ([A-Za-z0-9._-], 1-64)");
      }
      if (!LiveNode.ADVERTISE_ENDPOINT.matcher(endpoint).matches()
          || Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1)) > 65535
          || Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1)) < 1) {
        fail("--advertise", "'" + endpoint + "' is not HOST:PORT");
      }
      if (parsed.put(name, endpoint) != null) {
        fail("--advertise", "'" + name + "' is given twice");
      }
    }
    if (parsed.size() > LiveNode.MAX_ADVERTISED) {
      fail("--advertise", "at most " + LiveNode.MAX_ADVERTISED + " endpoints");
    }
    return parsed;
  }

  private HealthWatch healthWatch() {
    if (flumeMetrics == null) {
      return null;
    }
    URI url;
    try {
      url = new URI(flumeMetrics.strip());
    } catch (java.net.URISyntaxException e) {
      return fail("--flume-metrics", "'" + flumeMetrics + "' is not a URL: " + e.getReason());
    }
    if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
        || url.getHost() == null) {
      fail("--flume-metrics", "'" + flumeMetrics + "' is not an http or https URL");
    }
    if (!(stuckFillPercent > 0 && stuckFillPercent <= 100)) {
      fail("--stuck-fill-percent", "must be above 0 and at most 100, got " + stuckFillPercent);
    }
    return new HealthWatch(
        url,
        millis("--health-interval-ms", healthIntervalMs, 10),
        millis("--health-timeout-ms", healthTimeoutMs, 10),
        new HealthJudge.Settings(
            stuckFillPercent,
            millis("--stuck-for-ms", stuckForMs, 0),
            millis("--health-start-grace-ms", startGraceMs, 0)),
        flowSettings());
  }

  private FlowJudge.Settings flowSettings() {
    Set<String> sources = new LinkedHashSet<>();
    for (String source : idleSources) {
      String name = source.strip();
      if (!name.equals(FlowJudge.ALL_SOURCES)
          && !FlowVerdict.COMPONENT_NAME.matcher(name).matches()) {
        fail(
            "--source-idle",
            "'" + source + "' is not a source name ([A-Za-z0-9._-], 1-128) nor '*'");
      }
      sources.add(name);
    }
    return new FlowJudge.Settings(
        sources,
        millis("--source-idle-for-ms", sourceIdleForMs, 1),
        millis("--sink-stalled-for-ms", sinkStalledForMs, 1),
        millis("--fill-trend-window-ms", fillWindowMs, 1000),
        millis("--fill-full-within-ms", fillWithinMs, 1000),
        millis("--errors-quiet-ms", errorsQuietMs, 1));
  }

  private Map<String, String> labels() {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String label : labels) {
      int eq = label.indexOf('=');
      if (eq <= 0) {
        fail("--label", "'" + label + "' is not k=v");
      }
      String key = label.substring(0, eq);
      if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        fail("--label", "'" + key + "' is not a valid label name ([A-Za-z_][A-Za-z0-9_]*)");
      }
      parsed.put(key, label.substring(eq + 1));
    }
    return parsed;
  }

  private static Duration millis(String option, long value, long min) {
    if (value < min || value > 86_400_000L) {
      fail(option, "must be between " + min + " and 86400000, got " + value);
    }
    return Duration.ofMillis(value);
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** A usage error, like picocli's own for a required argument (which --config makes optional). */
  private void missing(CommandLine.Model.ArgSpec arg, String message) {
    throw new CommandLine.ParameterException(spec.commandLine(), message, arg, null);
  }

  private static <T> T fail(String option, String problem) {
    throw new ConfigException(option, problem);
  }
}
