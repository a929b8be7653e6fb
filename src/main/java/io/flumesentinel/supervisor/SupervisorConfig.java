package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.ZkLayout;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a supervisor needs, validated by the command line before anything starts.
 *
 * @param command the agent's command line, executed directly (no shell)
 * @param useSetpriv start the command behind {@code setpriv --pdeathsig KILL} (see {@link
 *     ChildProcess})
 * @param health how to watch Flume's metrics, or {@code null}: not watched
 */
public record SupervisorConfig(
    String zkConnect,
    ZkLayout layout,
    String agentId,
    String host,
    String group,
    Map<String, String> labels,
    String version,
    List<String> command,
    RestartPolicy.Settings restart,
    Duration stopTimeout,
    Duration sessionTimeout,
    Duration connectionTimeout,
    boolean useSetpriv,
    HealthWatch health) {

  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  public SupervisorConfig {
    labels = Map.copyOf(labels);
    command = List.copyOf(command);
  }

  /** As a record's, with the command's secret-looking values hidden ({@link SecretRedaction}). */
  @Override
  public String toString() {
    return "SupervisorConfig[zkConnect="
        + zkConnect
        + ", layout="
        + layout
        + ", agentId="
        + agentId
        + ", host="
        + host
        + ", group="
        + group
        + ", labels="
        + labels
        + ", version="
        + version
        + ", command="
        + SecretRedaction.command(command)
        + ", restart="
        + restart
        + ", stopTimeout="
        + stopTimeout
        + ", sessionTimeout="
        + sessionTimeout
        + ", connectionTimeout="
        + connectionTimeout
        + ", useSetpriv="
        + useSetpriv
        + ", health="
        + health
        + "]";
  }
}
