package io.flumesentinel.cli;

import io.flumesentinel.config.ConfigException;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.supervisor.EnvironmentFile;
import io.flumesentinel.supervisor.HealthRestartPolicy;
import io.flumesentinel.supervisor.Probe;
import io.flumesentinel.supervisor.ProcessResources;
import io.flumesentinel.supervisor.ResourceJudge;
import io.flumesentinel.supervisor.ResourcePolicy;
import io.flumesentinel.supervisor.RotatingOutput;
import io.flumesentinel.supervisor.RunAs;
import io.flumesentinel.supervisor.Supervisor;
import io.flumesentinel.supervisor.SupervisorPolicies;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The options of {@code supervise} that make its {@link SupervisorPolicies}: resource verdicts,
 * restarts on purpose, the agent's user, environment and output files. Each has a key of the same
 * name in the supervisor file ({@link #YAML_KEYS}).
 */
final class PolicyOptions {

  /** YAML key of an agent → the option it stands for. */
  static final Map<String, String> YAML_KEYS = new LinkedHashMap<>();

  static {
    YAML_KEYS.put("resourceIntervalMs", "--resource-interval-ms");
    YAML_KEYS.put("resourceForMs", "--resource-for-ms");
    YAML_KEYS.put("heapPercent", "--heap-percent");
    YAML_KEYS.put("gcPercent", "--gc-percent");
    YAML_KEYS.put("fdPercent", "--fd-percent");
    YAML_KEYS.put("rssAlertMb", "--rss-alert-mb");
    YAML_KEYS.put("rssLimitMb", "--rss-limit-mb");
    YAML_KEYS.put("rssLimitChecks", "--rss-limit-checks");
    YAML_KEYS.put("restartOnHealth", "--restart-on-health");
    YAML_KEYS.put("healthRestartLimit", "--health-restart-limit");
    YAML_KEYS.put("healthRestartWindowMs", "--health-restart-window-ms");
    YAML_KEYS.put("probeUrl", "--probe-url");
    YAML_KEYS.put("probeCommand", "--probe-command");
    YAML_KEYS.put("probeIntervalMs", "--probe-interval-ms");
    YAML_KEYS.put("probeTimeoutMs", "--probe-timeout-ms");
    YAML_KEYS.put("probeFailures", "--probe-failures");
    YAML_KEYS.put("probeStartGraceMs", "--probe-start-grace-ms");
    YAML_KEYS.put("user", "--user");
    YAML_KEYS.put("envFile", "--env-file");
    YAML_KEYS.put("outputDir", "--output-dir");
    YAML_KEYS.put("outputMaxBytes", "--output-max-bytes");
    YAML_KEYS.put("outputFiles", "--output-files");
  }

  private static final ResourceJudge.Settings DEFAULTS = ResourceJudge.Settings.defaults();

  @Option(
      names = "--resource-interval-ms",
      paramLabel = "N",
      description =
          "Time between two readings of the agent's memory, file descriptors and GC; 0: not read"
              + " (default ${DEFAULT-VALUE}).")
  long resourceIntervalMs = SupervisorPolicies.DEFAULT_RESOURCE_INTERVAL.toMillis();

  @Option(
      names = "--resource-for-ms",
      paramLabel = "N",
      description =
          "A figure over its threshold this long raises FlumeAgentMemory or FlumeAgentGc"
              + " (default ${DEFAULT-VALUE}).")
  long resourceForMs = DEFAULTS.sustainFor().toMillis();

  @Option(
      names = "--heap-percent",
      paramLabel = "P",
      description =
          "Heap used at or above this share of -Xmx counts as high (default ${DEFAULT-VALUE}).")
  double heapPercent = DEFAULTS.heapPercent();

  @Option(
      names = "--gc-percent",
      paramLabel = "P",
      description =
          "Time share spent in garbage collection that counts as high (default ${DEFAULT-VALUE}).")
  double gcPercent = DEFAULTS.gcPercent();

  @Option(
      names = "--fd-percent",
      paramLabel = "P",
      description =
          "Open file descriptors at or above this share of the agent's limit count as high (default"
              + " ${DEFAULT-VALUE}).")
  double fdPercent = DEFAULTS.fdPercent();

  @Option(
      names = "--rss-alert-mb",
      paramLabel = "MB",
      description =
          "Resident memory at or above this counts as high; 0: not checked (default ${DEFAULT-VALUE}).")
  long rssAlertMb;

  @Option(
      names = "--rss-limit-mb",
      paramLabel = "MB",
      description =
          "Restart the agent when its resident memory stays above this; 0: never (default ${DEFAULT-VALUE}).")
  long rssLimitMb;

  @Option(
      names = "--rss-limit-checks",
      paramLabel = "N",
      description =
          "Consecutive readings over --rss-limit-mb that restart it (default ${DEFAULT-VALUE}).")
  int rssLimitChecks = 3;

  @Option(
      names = "--restart-on-health",
      paramLabel = "STATUS",
      description =
          "Restart the agent when its health turns stuck, hung or stuck,hung (needs --flume-metrics);"
              + " no: never (default ${DEFAULT-VALUE}).")
  String restartOnHealth = "no";

  @Option(
      names = "--health-restart-limit",
      paramLabel = "N",
      description = "At most N restarts for health within the window (default ${DEFAULT-VALUE}).")
  int healthRestartLimit = 1;

  @Option(
      names = "--health-restart-window-ms",
      paramLabel = "N",
      description = "The window of --health-restart-limit (default ${DEFAULT-VALUE}).")
  long healthRestartWindowMs = Duration.ofHours(1).toMillis();

  @Option(
      names = "--probe-url",
      paramLabel = "URL",
      description = "Probe: a GET that must answer 2xx; restart after --probe-failures failures.")
  String probeUrl;

  @Option(
      names = "--probe-command",
      paramLabel = "CMD",
      description = "Probe: a command (/bin/sh -c) that must exit 0; instead of --probe-url.")
  String probeCommand;

  @Option(
      names = "--probe-interval-ms",
      paramLabel = "N",
      description = "Time between two probes (default ${DEFAULT-VALUE}).")
  long probeIntervalMs = 10_000;

  @Option(
      names = "--probe-timeout-ms",
      paramLabel = "N",
      description = "How long one probe may take (default ${DEFAULT-VALUE}).")
  long probeTimeoutMs = 5_000;

  @Option(
      names = "--probe-failures",
      paramLabel = "N",
      description = "Consecutive failed probes that restart the agent (default ${DEFAULT-VALUE}).")
  int probeFailures = 3;

  @Option(
      names = "--probe-start-grace-ms",
      paramLabel = "N",
      description =
          "Failed probes this soon after a start do not count (default ${DEFAULT-VALUE}).")
  long probeStartGraceMs = 60_000;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description = "Run the agent as this user (the supervisor must run as root; uses setpriv).")
  String user;

  @Option(
      names = "--env-file",
      paramLabel = "FILE",
      description =
          "Environment variables for the agent, NAME=VALUE a line (as systemd's EnvironmentFile).")
  Path envFile;

  @Option(
      names = "--output-dir",
      paramLabel = "DIR",
      description =
          "Also write the agent's stdout and stderr to AGENT.stdout.log and AGENT.stderr.log here.")
  Path outputDir;

  @Option(
      names = "--output-max-bytes",
      paramLabel = "N",
      description = "Rotate an output file at this size (default ${DEFAULT-VALUE}).")
  long outputMaxBytes = 10L * 1024 * 1024;

  @Option(
      names = "--output-files",
      paramLabel = "N",
      description = "Files kept per stream, the current one included (default ${DEFAULT-VALUE}).")
  int outputFiles = 5;

  /**
   * The policies these options give.
   *
   * @param healthWatched whether {@code --flume-metrics} is given (health restarts need it)
   * @throws ConfigException naming the option that is wrong
   */
  SupervisorPolicies policies(boolean healthWatched) {
    long interval =
        resourceIntervalMs == 0
            ? 0
            : millis("--resource-interval-ms", resourceIntervalMs, 100).toMillis();
    percent("--heap-percent", heapPercent);
    percent("--gc-percent", gcPercent);
    percent("--fd-percent", fdPercent);
    ResourceJudge.Settings resources =
        new ResourceJudge.Settings(
            heapPercent,
            gcPercent,
            fdPercent,
            megabytes("--rss-alert-mb", rssAlertMb),
            millis("--resource-for-ms", resourceForMs, 0));
    atLeastOne("--rss-limit-checks", rssLimitChecks);
    long rssLimit = megabytes("--rss-limit-mb", rssLimitMb);
    if (rssLimit > 0 && interval == 0) {
      fail("--rss-limit-mb", "needs the resources read: --resource-interval-ms must not be 0");
    }
    return new SupervisorPolicies(
        Duration.ofMillis(interval),
        resources,
        new ResourcePolicy.Settings(rssLimit, rssLimitChecks),
        healthRestart(healthWatched),
        probe(),
        runAs(),
        envFile == null ? Map.of() : EnvironmentFile.read(envFile, "--env-file"),
        output());
  }

  private HealthRestartPolicy.Settings healthRestart(boolean healthWatched) {
    Set<Health.Status> on = EnumSet.noneOf(Health.Status.class);
    String value = restartOnHealth.strip().toLowerCase(Locale.ROOT);
    if (!value.equals("no")) {
      for (String item : value.split(",")) {
        switch (item.strip()) {
          case "stuck" -> on.add(Health.Status.STUCK);
          case "hung" -> on.add(Health.Status.HUNG);
          default ->
              fail(
                  "--restart-on-health",
                  "'" + restartOnHealth + "' is not one of no, stuck, hung, stuck,hung");
        }
      }
    }
    if (!on.isEmpty() && !healthWatched) {
      fail("--restart-on-health", "needs --flume-metrics: health is judged from Flume's metrics");
    }
    atLeastOne("--health-restart-limit", healthRestartLimit);
    return new HealthRestartPolicy.Settings(
        on, healthRestartLimit, millis("--health-restart-window-ms", healthRestartWindowMs, 0));
  }

  private Probe.Settings probe() {
    if (probeUrl == null && probeCommand == null) {
      return null;
    }
    if (probeUrl != null && probeCommand != null) {
      fail("--probe-command", "give --probe-url or --probe-command, not both");
    }
    URI url = null;
    if (probeUrl != null) {
      try {
        url = new URI(probeUrl.strip());
      } catch (java.net.URISyntaxException e) {
        fail("--probe-url", "'" + probeUrl + "' is not a URL: " + e.getReason());
      }
      if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
          || url.getHost() == null) {
        fail("--probe-url", "'" + probeUrl + "' is not an http or https URL");
      }
    } else if (probeCommand.isBlank()) {
      fail("--probe-command", "is empty");
    }
    atLeastOne("--probe-failures", probeFailures);
    return new Probe.Settings(
        url,
        url == null ? probeCommand : null,
        millis("--probe-interval-ms", probeIntervalMs, 10),
        millis("--probe-timeout-ms", probeTimeoutMs, 10),
        probeFailures,
        millis("--probe-start-grace-ms", probeStartGraceMs, 0));
  }

  private RunAs runAs() {
    if (user == null) {
      return null;
    }
    try {
      return RunAs.resolve(
          user.strip(), ProcessResources.effectiveUid(), Supervisor.setprivAvailable());
    } catch (IllegalArgumentException e) {
      return fail("--user", e.getMessage());
    }
  }

  private RotatingOutput.Settings output() {
    if (outputDir == null) {
      return null;
    }
    if (outputMaxBytes < 1024) {
      fail("--output-max-bytes", "must be at least 1024, got " + outputMaxBytes);
    }
    if (outputFiles < 1 || outputFiles > 1000) {
      fail("--output-files", "must be between 1 and 1000, got " + outputFiles);
    }
    return new RotatingOutput.Settings(outputDir, outputMaxBytes, outputFiles);
  }

  private static void percent(String option, double value) {
    if (!(value > 0 && value <= 100)) {
      fail(option, "must be above 0 and at most 100, got " + value);
    }
  }

  private static long megabytes(String option, long value) {
    if (value < 0 || value > 1_048_576) {
      fail(option, "must be between 0 and 1048576, got " + value);
    }
    return value * 1024 * 1024;
  }

  private static void atLeastOne(String option, int value) {
    if (value < 1) {
      fail(option, "must be at least 1, got " + value);
    }
  }

  private static Duration millis(String option, long value, long min) {
    if (value < min || value > 86_400_000L) {
      fail(option, "must be between " + min + " and 86400000, got " + value);
    }
    return Duration.ofMillis(value);
  }

  private static <T> T fail(String option, String problem) {
    throw new ConfigException(option, problem);
  }
}
