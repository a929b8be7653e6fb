package io.flumesentinel.supervisor;

import io.flumesentinel.config.ZkAccess;
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
 * @param access ZooKeeper authentication and ACLs; {@link ZkAccess#none()}
 * @param advertise endpoints written into the live node ({@code --advertise NAME=HOST:PORT})
 * @param policies resource verdicts, restarts on purpose, how the agent is started ({@code null}:
 *     {@link SupervisorPolicies#defaults()})
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
    ZkAccess access,
    Map<String, String> advertise,
    SupervisorPolicies policies) {

  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  public SupervisorConfig {
    labels = Map.copyOf(labels);
    command = List.copyOf(command);
    access = access == null ? ZkAccess.none() : access;
    advertise = advertise == null ? Map.of() : Map.copyOf(advertise);
    policies = policies == null ? SupervisorPolicies.defaults() : policies;
  }

  /** The default {@link SupervisorPolicies}. */
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
      ZkTlsConfig zkTls,
      ZkAccess access,
      Map<String, String> advertise) {
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
        access,
        advertise,
        null);
  }

  /** This agent, with {@code newPolicies}. */
  public SupervisorConfig withPolicies(SupervisorPolicies newPolicies) {
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
        access,
        advertise,
        newPolicies);
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
      ZkTlsConfig zkTls,
      ZkAccess access) {
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
        access,
        Map.of());
  }

  /** Plain connections to ZooKeeper, without authentication or ACLs. */
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
        null,
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
        access,
        advertise,
        policies);
  }

  /** This agent, logging in to ZooKeeper and creating znodes as {@code newAccess} says. */
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
        zkTls,
        newAccess,
        advertise,
        policies);
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
        access,
        endpoints,
        policies);
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
        + ", zkTls="
        + zkTls
        + ", advertise="
        + advertise
        + ", policies="
        + policies
        + "]";
  }
}
