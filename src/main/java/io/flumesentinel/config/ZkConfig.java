package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.flumesentinel.protocol.ZkLayout;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The ZooKeeper ensemble and the protocol root.
 *
 * @param connect the connect string, or {@code null} to start an embedded server
 * @param tls TLS to the ensemble's secure client port; {@code null}: plain connections
 * @param access authentication and ACLs ({@code auth}, {@code acl}); {@link ZkAccess#none()}
 */
public record ZkConfig(
    String connect,
    String root,
    Duration sessionTimeout,
    Duration connectionTimeout,
    int embeddedPort,
    Path embeddedDataDir,
    ZkTlsConfig tls,
    ZkAccess access) {

  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  public ZkConfig {
    access = access == null ? ZkAccess.none() : access;
  }

  /** Without authentication or ACLs. */
  public ZkConfig(
      String connect,
      String root,
      Duration sessionTimeout,
      Duration connectionTimeout,
      int embeddedPort,
      Path embeddedDataDir,
      ZkTlsConfig tls) {
    this(
        connect, root, sessionTimeout, connectionTimeout, embeddedPort, embeddedDataDir, tls, null);
  }

  /** Plain connections (no TLS), without authentication or ACLs. */
  public ZkConfig(
      String connect,
      String root,
      Duration sessionTimeout,
      Duration connectionTimeout,
      int embeddedPort,
      Path embeddedDataDir) {
    this(
        connect,
        root,
        sessionTimeout,
        connectionTimeout,
        embeddedPort,
        embeddedDataDir,
        null,
        null);
  }

  public static ZkConfig of(String connect) {
    return new ZkConfig(
        connect,
        ZkLayout.DEFAULT_ROOT,
        DEFAULT_SESSION_TIMEOUT,
        DEFAULT_CONNECTION_TIMEOUT,
        2181,
        Path.of("data", "zookeeper"),
        null,
        null);
  }

  public boolean embedded() {
    return connect == null;
  }

  public ZkLayout layout() {
    return new ZkLayout(root);
  }

  public ZkConfig withConnect(String newConnect) {
    return new ZkConfig(
        newConnect,
        root,
        sessionTimeout,
        connectionTimeout,
        embeddedPort,
        embeddedDataDir,
        tls,
        access);
  }

  public ZkConfig withRoot(String newRoot) {
    return new ZkConfig(
        connect,
        newRoot,
        sessionTimeout,
        connectionTimeout,
        embeddedPort,
        embeddedDataDir,
        tls,
        access);
  }

  public ZkConfig withEmbeddedPort(int newEmbeddedPort) {
    return new ZkConfig(
        connect,
        root,
        sessionTimeout,
        connectionTimeout,
        newEmbeddedPort,
        embeddedDataDir,
        tls,
        access);
  }

  public ZkConfig withTls(ZkTlsConfig newTls) {
    return new ZkConfig(
        connect,
        root,
        sessionTimeout,
        connectionTimeout,
        embeddedPort,
        embeddedDataDir,
        newTls,
        access);
  }

  public ZkConfig withAccess(ZkAccess newAccess) {
    return new ZkConfig(
        connect,
        root,
        sessionTimeout,
        connectionTimeout,
        embeddedPort,
        embeddedDataDir,
        tls,
        newAccess);
  }

  /**
   * The {@code zookeeper} section: {@code connect}, {@code root}, {@code sessionTimeout}, {@code
   * connectionTimeout} (at most {@code sessionTimeout}), {@code embedded}, {@code tls} ({@link
   * ZkTlsConfig}), {@code auth} and {@code acl} ({@link ZkAccess}).
   */
  @JsonCreator
  static ZkConfig read(
      @JsonProperty("connect") String connect,
      @JsonProperty("root") String root,
      @JsonProperty("sessionTimeout") Duration sessionTimeout,
      @JsonProperty("sessionTimeoutMs") Milliseconds sessionTimeoutMs,
      @JsonProperty("connectionTimeout") Duration connectionTimeout,
      @JsonProperty("connectionTimeoutMs") Milliseconds connectionTimeoutMs,
      @JsonProperty("embedded") EmbeddedServer embedded,
      @JsonProperty("tls") ZkTlsConfig tls,
      @JsonProperty("auth") ZkAccess.Auth auth,
      @JsonProperty("acl") ZkAccess.Acl acl) {
    ZkConfig defaults = of(null);
    String checkedConnect = ConfigChecks.connectString("connect", connect);
    String checkedRoot = ConfigChecks.root("root", root == null ? defaults.root : root);
    DurationKey.Written session =
        DurationKey.SESSION_TIMEOUT.read(sessionTimeout, sessionTimeoutMs, defaults.sessionTimeout);
    DurationKey.Written connection =
        DurationKey.CONNECTION_TIMEOUT.read(
            connectionTimeout, connectionTimeoutMs, defaults.connectionTimeout);
    // Curator would silently shorten it to the session timeout; say so instead.
    connection.atMost(session);
    EmbeddedServer server =
        embedded == null
            ? new EmbeddedServer(defaults.embeddedPort, defaults.embeddedDataDir)
            : embedded;
    return new ZkConfig(
        checkedConnect,
        checkedRoot,
        session.value(),
        connection.value(),
        server.port(),
        server.dataDir(),
        tls,
        ZkAccess.read(auth, acl));
  }

  /** The {@code embedded} section: the server started when {@code connect} is empty. */
  record EmbeddedServer(int port, Path dataDir) {

    @JsonCreator
    static EmbeddedServer read(
        @JsonProperty("port") Long port, @JsonProperty("dataDir") String dataDir) {
      ZkConfig defaults = of(null);
      return new EmbeddedServer(
          port == null ? defaults.embeddedPort : ConfigChecks.port("port", port),
          dataDir == null ? defaults.embeddedDataDir : directory(dataDir));
    }

    private static Path directory(String value) {
      if (value.isBlank()) {
        throw new ConfigException("dataDir", "must be a directory path, got an empty value");
      }
      try {
        return Path.of(value.strip());
      } catch (InvalidPathException e) {
        throw new ConfigException(
            "dataDir", ConfigChecks.quote(value) + " is not a valid path: " + e.getReason());
      }
    }
  }
}
