package io.flumesentinel.appender.log4j2;

import io.flumesentinel.appender.AppenderSettings;
import io.flumesentinel.appender.Diagnostics;
import io.flumesentinel.appender.EventFields;
import io.flumesentinel.appender.FlumeSender;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderFactory;
import org.apache.logging.log4j.status.StatusLogger;

/**
 * The Log4j2 plugin {@code <FlumeSentinel>}: sends each event to a live Flume agent's Avro source,
 * never blocking the logging thread (see docs/appender.md and conf/log4j2-flume.xml). The body is
 * what the layout makes of the event; the attributes are the settings of {@link AppenderSettings}.
 * Problems go to Log4j2's status logger.
 */
@Plugin(
    name = "FlumeSentinel",
    category = Core.CATEGORY_NAME,
    elementType = Appender.ELEMENT_TYPE,
    printObject = true)
public final class FlumeLog4j2Appender extends AbstractAppender {

  private final AppenderSettings settings;
  private volatile FlumeSender sender;

  private FlumeLog4j2Appender(
      String name,
      Filter filter,
      Layout<? extends Serializable> layout,
      boolean ignoreExceptions,
      Property[] properties,
      AppenderSettings settings) {
    super(name, filter, layout, ignoreExceptions, properties);
    this.settings = settings;
  }

  @PluginBuilderFactory
  public static Builder newBuilder() {
    return new Builder();
  }

  @Override
  public void start() {
    FlumeSender created = new FlumeSender(settings, new StatusDiagnostics(getName()));
    try {
      created.start();
    } catch (RuntimeException e) {
      // a bad ZooKeeper connect string, for one: the application starts without this appender
      StatusLogger.getLogger().error("FlumeSentinel appender [{}] not started", getName(), e);
      created.stop();
      return;
    }
    sender = created;
    super.start();
  }

  @Override
  public boolean stop(long timeout, TimeUnit timeUnit) {
    setStopping();
    FlumeSender stopping = sender;
    sender = null;
    if (stopping != null) {
      stopping.stop();
    }
    setStopped();
    return true;
  }

  @Override
  public void append(LogEvent event) {
    FlumeSender current = sender;
    if (current == null || EventFields.isOwnThread()) {
      return;
    }
    byte[] body = getLayout().toByteArray(event);
    current.append(
        EventFields.headers(
            event.getTimeMillis(),
            event.getLevel().name(),
            event.getLoggerName(),
            event.getThreadName()),
        body);
  }

  /** The core, for tests; {@code null} when stopped. */
  public FlumeSender sender() {
    return sender;
  }

  /** The plugin's attributes: {@link AppenderSettings}' settings, as spelt there. */
  public static final class Builder extends AbstractAppender.Builder<Builder>
      implements org.apache.logging.log4j.core.util.Builder<FlumeLog4j2Appender> {

    @PluginBuilderAttribute private String agents;
    @PluginBuilderAttribute private String zookeeper;
    @PluginBuilderAttribute private String root = "/flume-sentinel";
    @PluginBuilderAttribute private String group = "default";
    @PluginBuilderAttribute private String advertiseName = "avro";
    @PluginBuilderAttribute private String instanceId;
    @PluginBuilderAttribute private int queueSize = 10_000;
    @PluginBuilderAttribute private String overflow = "drop";
    @PluginBuilderAttribute private String spoolDir;
    @PluginBuilderAttribute private long spoolMaxBytes = 64L * 1024 * 1024;
    @PluginBuilderAttribute private int batchSize = 100;
    @PluginBuilderAttribute private long connectTimeoutMs = 1000;
    @PluginBuilderAttribute private long requestTimeoutMs = 2000;
    @PluginBuilderAttribute private long backoffInitialMs = 500;
    @PluginBuilderAttribute private long backoffMaxMs = 30_000;
    @PluginBuilderAttribute private long shutdownTimeoutMs = 5000;
    @PluginBuilderAttribute private long dropWarnIntervalMs = 60_000;
    @PluginBuilderAttribute private String zkDigestUser;
    @PluginBuilderAttribute private String zkDigestPasswordFile;
    @PluginBuilderAttribute private String zkDigestPasswordEnv;
    @PluginBuilderAttribute private String zkSaslLoginContext;
    @PluginBuilderAttribute private String zkTlsKeyStore;
    @PluginBuilderAttribute private String zkTlsKeyStoreType;
    @PluginBuilderAttribute private String zkTlsKeyStorePasswordFile;
    @PluginBuilderAttribute private String zkTlsKeyStorePasswordEnv;
    @PluginBuilderAttribute private String zkTlsTrustStore;
    @PluginBuilderAttribute private String zkTlsTrustStoreType;
    @PluginBuilderAttribute private String zkTlsTrustStorePasswordFile;
    @PluginBuilderAttribute private String zkTlsTrustStorePasswordEnv;

    @Override
    public FlumeLog4j2Appender build() {
      if (getLayout() == null) {
        StatusLogger.getLogger().error("appender [{}]: a layout is required", getName());
        return null;
      }
      AppenderSettings settings;
      try {
        settings =
            AppenderSettings.builder()
                .name(getName())
                .agents(agents)
                .zookeeper(zookeeper)
                .root(root)
                .group(group)
                .advertiseName(advertiseName)
                .instanceId(instanceId)
                .queueSize(queueSize)
                .overflow(overflow)
                .spoolDir(spoolDir)
                .spoolMaxBytes(spoolMaxBytes)
                .batchSize(batchSize)
                .connectTimeoutMs(connectTimeoutMs)
                .requestTimeoutMs(requestTimeoutMs)
                .backoffInitialMs(backoffInitialMs)
                .backoffMaxMs(backoffMaxMs)
                .shutdownTimeoutMs(shutdownTimeoutMs)
                .dropWarnIntervalMs(dropWarnIntervalMs)
                .zkDigestUser(zkDigestUser)
                .zkDigestPasswordFile(zkDigestPasswordFile)
                .zkDigestPasswordEnv(zkDigestPasswordEnv)
                .zkSaslLoginContext(zkSaslLoginContext)
                .zkTlsKeyStore(zkTlsKeyStore)
                .zkTlsKeyStoreType(zkTlsKeyStoreType)
                .zkTlsKeyStorePasswordFile(zkTlsKeyStorePasswordFile)
                .zkTlsKeyStorePasswordEnv(zkTlsKeyStorePasswordEnv)
                .zkTlsTrustStore(zkTlsTrustStore)
                .zkTlsTrustStoreType(zkTlsTrustStoreType)
                .zkTlsTrustStorePasswordFile(zkTlsTrustStorePasswordFile)
                .zkTlsTrustStorePasswordEnv(zkTlsTrustStorePasswordEnv)
                .build();
      } catch (IllegalArgumentException e) {
        StatusLogger.getLogger().error("appender [{}]: {}", getName(), e.getMessage());
        return null;
      }
      return new FlumeLog4j2Appender(
          getName(), getFilter(), getLayout(), isIgnoreExceptions(), getPropertyArray(), settings);
    }
  }

  /** Log4j2's status logger: it never comes back into an appender. */
  private static final class StatusDiagnostics implements Diagnostics {
    private final String prefix;

    StatusDiagnostics(String name) {
      this.prefix = "FlumeSentinel appender [" + name + "]: ";
    }

    @Override
    public void info(String message) {
      StatusLogger.getLogger().info(prefix + message);
    }

    @Override
    public void warn(String message) {
      StatusLogger.getLogger().warn(prefix + message);
    }

    @Override
    public void error(String message, Throwable cause) {
      StatusLogger.getLogger().error(prefix + message, cause);
    }
  }
}
