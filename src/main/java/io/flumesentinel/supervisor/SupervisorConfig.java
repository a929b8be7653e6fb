package io.flumesentinel.supervisor;

import io.flumesentinel.config.ZkAccess;
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
 * @param access ZooKeeper authentication and ACLs; {@link ZkAccess#none()}
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
    HealthWatch health,
    ZkAccess access) {

  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  public SupervisorConfig {
    labels = Map.copyOf(labels);
    command = List.copyOf(command);
    access = access == null ? ZkAccess.none() : access;
  }

  /** Without ZooKeeper authentication or ACLs. */
  public SupervisorConfig(
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
    this(
        zkConnect,
        layout,
        agentId,
        host,
        group,
        labels,
        version,
        command,
        restart,
        stopTimeout,
        sessionTimeout,
        connectionTimeout,
        useSetpriv,
        health,
        null);
  }

  public SupervisorConfig withAccess(ZkAccess newAccess) {
    return new SupervisorConfig(
        zkConnect,
        layout,
        agentId,
        host,
        group,
        labels,
        version,
        command,
        restart,
        stopTimeout,
        sessionTimeout,
        connectionTimeout,
        useSetpriv,
        health,
        newAccess);
  }
}
