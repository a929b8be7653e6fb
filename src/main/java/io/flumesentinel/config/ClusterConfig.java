package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * High availability: several monitors on one ZooKeeper root, one of them active, joined in a
 * clustered Vert.x whose event bus other applications can join.
 *
 * <p>The event bus carries every alert and answers requests for the state, so a cluster is either
 * secured ({@code tls}: mutual TLS between members) or insecure on purpose ({@code insecure:
 * true}); {@link #checkTransport} refuses one that is neither.
 *
 * @param enabled {@code false} (the default): a single monitor, as without this section
 * @param zookeeperPath the znode under which the Vert.x cluster manager keeps its membership and
 *     subscriptions; {@code null}: {@code <zookeeper.root>/vertx}
 * @param host the address the clustered event bus listens on and tells the others; {@code null}:
 *     Vert.x picks one of this host's addresses
 * @param port the clustered event bus port; 0 picks a free one
 * @param tls the event bus's certificates; {@code null}: none
 * @param insecure {@code true}: run the clustered event bus without TLS, knowingly
 */
public record ClusterConfig(
    boolean enabled,
    String zookeeperPath,
    String host,
    int port,
    ClusterTlsConfig tls,
    boolean insecure) {

  /** Why a cluster without TLS is refused, and what to do: one line. */
  static final String NEEDS_TLS =
      "the clustered event bus needs TLS: set cluster.tls (this member's certificate and the ones"
          + " it trusts), or cluster.insecure: true to run it without (then any program that reaches"
          + " ZooKeeper and the event-bus port joins, reads every alert and can forge them)";

  public static ClusterConfig disabled() {
    return new ClusterConfig(false, null, null, 0, null, false);
  }

  public ClusterConfig withEnabled(boolean on) {
    return new ClusterConfig(on, zookeeperPath, host, port, tls, insecure);
  }

  /** The cluster manager's path for a monitor whose registrations are under {@code root}. */
  public String zookeeperPath(String root) {
    if (zookeeperPath != null) {
      return zookeeperPath;
    }
    return "/".equals(root) ? "/vertx" : root + "/vertx";
  }

  /**
   * Refuses a cluster that is enabled with neither {@code tls} nor {@code insecure: true}.
   *
   * @param key what the error names: the key or option that enabled the cluster
   */
  public ClusterConfig checkTransport(String key) {
    if (enabled && tls == null && !insecure) {
      throw new ConfigException(key, NEEDS_TLS);
    }
    return this;
  }

  /** {@code cluster: true} or {@code cluster: false}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static ClusterConfig read(boolean enabled) {
    return disabled().withEnabled(enabled).checkTransport("");
  }

  /**
   * The {@code cluster} mapping: {@code enabled} (by default true), {@code zookeeperPath}, {@code
   * host}, {@code port}, and {@code tls} or {@code insecure}.
   */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  static ClusterConfig read(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("zookeeperPath") String zookeeperPath,
      @JsonProperty("host") String host,
      @JsonProperty("port") Long port,
      @JsonProperty("tls") ClusterTlsConfig tls,
      @JsonProperty("insecure") Boolean insecure) {
    String path =
        zookeeperPath == null ? null : ConfigChecks.root("zookeeperPath", zookeeperPath.strip());
    String checkedHost = host == null || host.isBlank() ? null : host.strip();
    if (checkedHost != null && checkedHost.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(
          "host", "must be a host name or IP address, got " + ConfigChecks.quote(checkedHost));
    }
    boolean withoutTls = insecure != null && insecure;
    if (withoutTls && tls != null) {
      throw new ConfigException("insecure", "must not be true when tls is given");
    }
    return new ClusterConfig(
            enabled == null || enabled,
            path,
            checkedHost,
            port == null ? 0 : ConfigChecks.port("port", port),
            tls,
            withoutTls)
        .checkTransport("tls");
  }
}
