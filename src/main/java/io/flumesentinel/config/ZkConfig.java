package io.flumesentinel.config;

import io.flumesentinel.protocol.ZkLayout;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The ZooKeeper ensemble and the protocol root.
 *
 * @param connect the connect string, or {@code null} to start an embedded server
 */
public record ZkConfig(
    String connect,
    String root,
    Duration sessionTimeout,
    Duration connectionTimeout,
    int embeddedPort,
    Path embeddedDataDir) {

  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  public static ZkConfig of(String connect) {
    return new ZkConfig(
        connect,
        ZkLayout.DEFAULT_ROOT,
        DEFAULT_SESSION_TIMEOUT,
        DEFAULT_CONNECTION_TIMEOUT,
        2181,
        Path.of("data", "zookeeper"));
  }

  public boolean embedded() {
    return connect == null;
  }

  public ZkLayout layout() {
    return new ZkLayout(root);
  }

  public ZkConfig withConnect(String newConnect) {
    return new ZkConfig(
        newConnect, root, sessionTimeout, connectionTimeout, embeddedPort, embeddedDataDir);
  }
}
