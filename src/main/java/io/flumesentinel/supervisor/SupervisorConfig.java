package io.flumesentinel.supervisor;

import io.flumesentinel.config.ZkTlsConfig;
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
 * @param zkTls TLS to ZooKeeper, or {@code null}: plain connections
 * @param advertise endpoints written into the live node ({@code --advertise NAME=HOST:PORT})
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
    ZkTlsConfig zkTls,
    Map<String, String> advertise) {

  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  public SupervisorConfig {
    labels = Map.copyOf(labels);
    command = List.copyOf(command);
    advertise = advertise == null ? Map.of() : Map.copyOf(advertise);
  }

  /** No advertised endpoints. */
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
      HealthWatch health,
      ZkTlsConfig zkTls) {
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
        zkTls,
        Map.of());
  }

  /** Plain connections to ZooKeeper. */
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

  /** This agent, connecting to ZooKeeper with {@code tls} ({@code null}: plain). */
  public SupervisorConfig withZkTls(ZkTlsConfig tls) {
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
        tls,
        advertise);
  }

  /** This agent, advertising {@code endpoints} in its live node. */
  public SupervisorConfig withAdvertise(Map<String, String> endpoints) {
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
        zkTls,
        endpoints);
  }
}
