package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * High availability: several monitors on one ZooKeeper root, one of them active, joined in a
 * clustered Vert.x whose event bus other applications can join.
 *
 * @param enabled {@code false} (the default): a single monitor, as without this section
 * @param zookeeperPath the znode under which the Vert.x cluster manager keeps its membership and
 *     subscriptions; {@code null}: {@code <zookeeper.root>/vertx}
 * @param host the address the clustered event bus listens on and tells the others; {@code null}:
 *     Vert.x picks one of this host's addresses
 * @param port the clustered event bus port; 0 picks a free one
 */
public record ClusterConfig(boolean enabled, String zookeeperPath, String host, int port) {

  public static ClusterConfig disabled() {
    return new ClusterConfig(false, null, null, 0);
  }

  public ClusterConfig withEnabled(boolean on) {
    return new ClusterConfig(on, zookeeperPath, host, port);
  }

  /** The cluster manager's path for a monitor whose registrations are under {@code root}. */
  public String zookeeperPath(String root) {
    if (zookeeperPath != null) {
      return zookeeperPath;
    }
    return "/".equals(root) ? "/vertx" : root + "/vertx";
  }

  /** {@code cluster: true} or {@code cluster: false}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static ClusterConfig read(boolean enabled) {
    return disabled().withEnabled(enabled);
  }

  /**
   * The {@code cluster} mapping: {@code enabled} (by default true), {@code zookeeperPath}, {@code
   * host} and {@code port}.
   */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  static ClusterConfig read(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("zookeeperPath") String zookeeperPath,
      @JsonProperty("host") String host,
      @JsonProperty("port") Long port) {
    String path =
        zookeeperPath == null ? null : ConfigChecks.root("zookeeperPath", zookeeperPath.strip());
    String checkedHost = host == null || host.isBlank() ? null : host.strip();
    if (checkedHost != null && checkedHost.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(
          "host", "must be a host name or IP address, got " + ConfigChecks.quote(checkedHost));
    }
    return new ClusterConfig(
        enabled == null || enabled,
        path,
        checkedHost,
        port == null ? 0 : ConfigChecks.port("port", port));
  }
}
