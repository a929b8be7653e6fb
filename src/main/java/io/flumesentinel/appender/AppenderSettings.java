package io.flumesentinel.appender;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything one appender needs, validated: both adapters (Logback, Log4j2) fill a {@link Builder}
 * from their configuration files and get either settings or one {@link IllegalArgumentException}
 * naming the setting.
 *
 * @param name the appender's name in the logging configuration (names its JMX bean and spool file)
 * @param instanceId this application instance, in the header {@link EventHeaders#INSTANCE}
 * @param agents the static agent list ({@code HOST:PORT}, in order), alone or as the fallback
 * @param zookeeper ZooKeeper connect string for discovery, or {@code null}: the static list only
 * @param root the registry's root znode
 * @param group the agents to send to: those of this group
 * @param advertiseName the name of the endpoint in a live node's {@code advertise} object
 * @param queueSize events held in memory
 * @param overflow what happens to an event when the memory queue is full
 * @param spoolDir where the spool lives ({@link Overflow#SPOOL} only)
 * @param spoolMaxBytes the spool file's cap
 * @param batchSize events per batch
 * @param connectTimeout to connect to an agent (at least 1 s: the Flume client ignores less)
 * @param requestTimeout for an agent to accept a batch (at least 1 s, likewise)
 * @param backoff how long a failed agent is left alone
 * @param shutdownTimeout how long a stop may spend sending what is still queued
 * @param dropWarnInterval at most one warning about drops per interval
 * @param zkAccess discovery's identity and TLS on ZooKeeper ({@link ZooKeeperAccess#NONE}: none)
 */
public record AppenderSettings(
    String name,
    String instanceId,
    List<AgentAddress> agents,
    String zookeeper,
    String root,
    String group,
    String advertiseName,
    int queueSize,
    Overflow overflow,
    Path spoolDir,
    long spoolMaxBytes,
    int batchSize,
    Duration connectTimeout,
    Duration requestTimeout,
    Backoff backoff,
    Duration shutdownTimeout,
    Duration dropWarnInterval,
    ZooKeeperAccess zkAccess) {

  /** What becomes of an event that does not fit in the memory queue. */
  public enum Overflow {
    /** Dropped, counted, reported. */
    DROP,
    /** Written to the spool on disk, up to its cap; beyond it dropped, counted, reported. */
    SPOOL
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public AppenderSettings {
    agents = List.copyOf(agents);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Setters as the configuration files spell the settings; {@link #build} validates. */
  public static final class Builder {
    private String name = "flume";
    private String instanceId;
    private String agents;
    private String zookeeper;
    private String root = "/flume-sentinel";
    private String group = "default";
    private String advertiseName = "avro";
    private int queueSize = 10_000;
    private String overflow = "drop";
    private String spoolDir;
    private long spoolMaxBytes = 64L * 1024 * 1024;
    private int batchSize = 100;
    private long connectTimeoutMs = 1000;
    private long requestTimeoutMs = 2000;
    private long backoffInitialMs = 500;
    private long backoffMaxMs = 30_000;
    private long shutdownTimeoutMs = 5000;
    private long dropWarnIntervalMs = 60_000;
    private String zkDigestUser;
    private String zkDigestPasswordFile;
    private String zkDigestPasswordEnv;
    private String zkSaslLoginContext;
    private final String[] keyStore = new String[4];
    private final String[] trustStore = new String[4];

    public Builder name(String value) {
      name = value;
      return this;
    }

    public Builder instanceId(String value) {
      instanceId = value;
      return this;
    }

    public Builder agents(String value) {
      agents = value;
      return this;
    }

    public Builder zookeeper(String value) {
      zookeeper = value;
      return this;
    }

    public Builder root(String value) {
      root = value;
      return this;
    }

    public Builder group(String value) {
      group = value;
      return this;
    }

    public Builder advertiseName(String value) {
      advertiseName = value;
      return this;
    }

    public Builder queueSize(int value) {
      queueSize = value;
      return this;
    }

    public Builder overflow(String value) {
      overflow = value;
      return this;
    }

    public Builder spoolDir(String value) {
      spoolDir = value;
      return this;
    }

    public Builder spoolMaxBytes(long value) {
      spoolMaxBytes = value;
      return this;
    }

    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    public Builder connectTimeoutMs(long value) {
      connectTimeoutMs = value;
      return this;
    }

    public Builder requestTimeoutMs(long value) {
      requestTimeoutMs = value;
      return this;
    }

    public Builder backoffInitialMs(long value) {
      backoffInitialMs = value;
      return this;
    }

    public Builder backoffMaxMs(long value) {
      backoffMaxMs = value;
      return this;
    }

    public Builder shutdownTimeoutMs(long value) {
      shutdownTimeoutMs = value;
      return this;
    }

    public Builder dropWarnIntervalMs(long value) {
      dropWarnIntervalMs = value;
      return this;
    }

    public Builder zkDigestUser(String value) {
      zkDigestUser = value;
      return this;
    }

    public Builder zkDigestPasswordFile(String value) {
      zkDigestPasswordFile = value;
      return this;
    }

    public Builder zkDigestPasswordEnv(String value) {
      zkDigestPasswordEnv = value;
      return this;
    }

    public Builder zkSaslLoginContext(String value) {
      zkSaslLoginContext = value;
      return this;
    }

    public Builder zkTlsKeyStore(String value) {
      keyStore[0] = value;
      return this;
    }

    public Builder zkTlsKeyStoreType(String value) {
      keyStore[1] = value;
      return this;
    }

    public Builder zkTlsKeyStorePasswordFile(String value) {
      keyStore[2] = value;
      return this;
    }

    public Builder zkTlsKeyStorePasswordEnv(String value) {
      keyStore[3] = value;
      return this;
    }

    public Builder zkTlsTrustStore(String value) {
      trustStore[0] = value;
      return this;
    }

    public Builder zkTlsTrustStoreType(String value) {
      trustStore[1] = value;
      return this;
    }

    public Builder zkTlsTrustStorePasswordFile(String value) {
      trustStore[2] = value;
      return this;
    }

    public Builder zkTlsTrustStorePasswordEnv(String value) {
      trustStore[3] = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first setting that is missing or out of range
     */
    public AppenderSettings build() {
      require(name != null && NAME.matcher(name).matches(), "name must be 1-64 of [A-Za-z0-9._-]");
      List<AgentAddress> agentList;
      try {
        agentList = AgentAddress.parseList(agents);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("agents: " + e.getMessage(), e);
      }
      String zk = zookeeper == null || zookeeper.isBlank() ? null : zookeeper.trim();
      require(!agentList.isEmpty() || zk != null, "agents or zookeeper must be set (or both)");
      require(
          root != null && root.startsWith("/") && root.length() > 1 && !root.endsWith("/"),
          "root must be an absolute znode path such as /flume-sentinel");
      require(
          group != null && NAME.matcher(group).matches(), "group must be 1-64 of [A-Za-z0-9._-]");
      require(
          advertiseName != null && NAME.matcher(advertiseName).matches(),
          "advertiseName must be 1-64 of [A-Za-z0-9._-]");
      require(queueSize >= 1 && queueSize <= 10_000_000, "queueSize must be 1-10000000");
      Overflow policy;
      if ("drop".equalsIgnoreCase(overflow)) {
        policy = Overflow.DROP;
      } else if ("spool".equalsIgnoreCase(overflow)) {
        policy = Overflow.SPOOL;
      } else {
        throw new IllegalArgumentException("overflow must be drop or spool");
      }
      Path spool = null;
      if (policy == Overflow.SPOOL) {
        require(spoolDir != null && !spoolDir.isBlank(), "spoolDir must be set for overflow spool");
        spool = Path.of(spoolDir);
        require(spoolMaxBytes >= 64 * 1024, "spoolMaxBytes must be at least 65536");
      }
      require(batchSize >= 1 && batchSize <= 10_000, "batchSize must be 1-10000");
      require(
          connectTimeoutMs >= 1000 && connectTimeoutMs <= 600_000,
          "connectTimeoutMs must be 1000-600000 (Flume's client takes 20 s for less than 1 s)");
      require(
          requestTimeoutMs >= 1000 && requestTimeoutMs <= 600_000,
          "requestTimeoutMs must be 1000-600000 (Flume's client takes 20 s for less than 1 s)");
      require(
          backoffInitialMs >= 1 && backoffInitialMs <= 3_600_000,
          "backoffInitialMs must be 1-3600000");
      require(
          backoffMaxMs >= backoffInitialMs && backoffMaxMs <= 3_600_000,
          "backoffMaxMs must be backoffInitialMs-3600000");
      require(
          shutdownTimeoutMs >= 0 && shutdownTimeoutMs <= 600_000,
          "shutdownTimeoutMs must be 0-600000");
      require(
          dropWarnIntervalMs >= 0 && dropWarnIntervalMs <= 86_400_000,
          "dropWarnIntervalMs must be 0-86400000");
      String instance =
          instanceId == null || instanceId.isBlank() ? defaultInstanceId() : instanceId.trim();
      require(instance.length() <= 256, "instanceId must be at most 256 characters");
      ZooKeeperAccess access = zkAccess();
      require(
          zk != null || access.equals(ZooKeeperAccess.NONE),
          "zookeeper must be set for the zkDigest*, zkSasl* and zkTls* settings");
      return new AppenderSettings(
          name,
          instance,
          agentList,
          zk,
          root,
          group,
          advertiseName,
          queueSize,
          policy,
          spool,
          spoolMaxBytes,
          batchSize,
          Duration.ofMillis(connectTimeoutMs),
          Duration.ofMillis(requestTimeoutMs),
          new Backoff(Duration.ofMillis(backoffInitialMs), Duration.ofMillis(backoffMaxMs)),
          Duration.ofMillis(shutdownTimeoutMs),
          Duration.ofMillis(dropWarnIntervalMs),
          access);
    }

    private ZooKeeperAccess zkAccess() {
      String user = blankToNull(zkDigestUser);
      String password =
          ZooKeeperAccess.password("zkDigestPassword", zkDigestPasswordFile, zkDigestPasswordEnv);
      require(
          user == null || password != null,
          "zkDigestUser needs zkDigestPasswordFile or zkDigestPasswordEnv (never the password"
              + " itself)");
      require(
          user != null || password == null,
          "zkDigestPasswordFile/zkDigestPasswordEnv need zkDigestUser");
      require(
          user == null || (user.length() <= 256 && !user.contains(":")),
          "zkDigestUser must be at most 256 characters without ':'");
      String context = blankToNull(zkSaslLoginContext);
      require(
          context == null || NAME.matcher(context).matches(),
          "zkSaslLoginContext must be 1-64 of [A-Za-z0-9._-] (a section of the JAAS file)");
      ZooKeeperAccess access =
          new ZooKeeperAccess(
              user,
              password,
              context,
              store("zkTlsKeyStore", keyStore),
              store("zkTlsTrustStore", trustStore));
      return access.equals(new ZooKeeperAccess(null, null, null, null, null))
          ? ZooKeeperAccess.NONE
          : access;
    }

    /** {@code values}: location, type, password file, password env. */
    private static ZooKeeperAccess.Store store(String setting, String[] values) {
      String location = blankToNull(values[0]);
      String password = ZooKeeperAccess.password(setting + "Password", values[2], values[3]);
      if (location == null) {
        require(
            blankToNull(values[1]) == null && password == null,
            setting + "Type and " + setting + "Password* need " + setting);
        return null;
      }
      Path path = Path.of(location);
      // Checked now, so a wrong path stops the appender with one message instead of failing
      // every handshake later.
      require(Files.isReadable(path), setting + ": cannot read " + path);
      return new ZooKeeperAccess.Store(
          path, ZooKeeperAccess.storeType(setting, values[1], location), password);
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value.trim();
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /**
   * {@code host:pid:start}: unique per run, so that sequence numbers of two runs (or two instances
   * on one host) never mix under one instance id.
   */
  static String defaultInstanceId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown-host";
    }
    return host
        + ":"
        + ProcessHandle.current().pid()
        + ":"
        + ManagementFactory.getRuntimeMXBean().getStartTime();
  }
}
