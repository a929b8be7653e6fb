package io.flumesentinel.appender.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import io.flumesentinel.appender.AppenderSettings;
import io.flumesentinel.appender.Diagnostics;
import io.flumesentinel.appender.EventFields;
import io.flumesentinel.appender.FlumeSender;

/**
 * A Logback appender that sends each event to a live Flume agent's Avro source, never blocking the
 * logging thread (see docs/appender.md and conf/logback-flume.xml). The body is what the {@code
 * encoder} makes of the event; the settings are those of {@link AppenderSettings}, as elements of
 * the same name. Problems are reported on Logback's status channel ({@code <configuration
 * debug="true">} or a status listener shows them).
 */
public class FlumeLogbackAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  private final AppenderSettings.Builder settings = AppenderSettings.builder();
  private Encoder<ILoggingEvent> encoder;
  private volatile FlumeSender sender;

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for the appender named [" + getName() + "]");
      return;
    }
    AppenderSettings built;
    try {
      built = settings.name(getName()).build();
    } catch (IllegalArgumentException e) {
      addError("appender [" + getName() + "]: " + e.getMessage());
      return;
    }
    FlumeSender created = new FlumeSender(built, new StatusDiagnostics());
    try {
      created.start();
    } catch (RuntimeException e) {
      // a bad ZooKeeper connect string, for one: the application starts without this appender
      addError("appender [" + getName() + "] not started", e);
      created.stop();
      return;
    }
    sender = created;
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    FlumeSender stopping = sender;
    sender = null;
    if (stopping != null) {
      stopping.stop();
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    FlumeSender current = sender;
    if (current == null || EventFields.isOwnThread()) {
      return;
    }
    byte[] body = encoder.encode(event);
    current.append(
        EventFields.headers(
            event.getTimeStamp(),
            event.getLevel().toString(),
            event.getLoggerName(),
            event.getThreadName()),
        body);
  }

  /** The core, for tests and JMX-less inspection; {@code null} when stopped. */
  public FlumeSender sender() {
    return sender;
  }

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  public void setAgents(String value) {
    settings.agents(value);
  }

  public void setZookeeper(String value) {
    settings.zookeeper(value);
  }

  public void setRoot(String value) {
    settings.root(value);
  }

  public void setGroup(String value) {
    settings.group(value);
  }

  public void setAdvertiseName(String value) {
    settings.advertiseName(value);
  }

  public void setInstanceId(String value) {
    settings.instanceId(value);
  }

  public void setQueueSize(int value) {
    settings.queueSize(value);
  }

  public void setOverflow(String value) {
    settings.overflow(value);
  }

  public void setSpoolDir(String value) {
    settings.spoolDir(value);
  }

  public void setSpoolMaxBytes(long value) {
    settings.spoolMaxBytes(value);
  }

  public void setBatchSize(int value) {
    settings.batchSize(value);
  }

  public void setConnectTimeoutMs(long value) {
    settings.connectTimeoutMs(value);
  }

  public void setRequestTimeoutMs(long value) {
    settings.requestTimeoutMs(value);
  }

  public void setBackoffInitialMs(long value) {
    settings.backoffInitialMs(value);
  }

  public void setBackoffMaxMs(long value) {
    settings.backoffMaxMs(value);
  }

  public void setShutdownTimeoutMs(long value) {
    settings.shutdownTimeoutMs(value);
  }

  public void setDropWarnIntervalMs(long value) {
    settings.dropWarnIntervalMs(value);
  }

  public void setZkDigestUser(String value) {
    settings.zkDigestUser(value);
  }

  public void setZkDigestPasswordFile(String value) {
    settings.zkDigestPasswordFile(value);
  }

  public void setZkDigestPasswordEnv(String value) {
    settings.zkDigestPasswordEnv(value);
  }

  public void setZkSaslLoginContext(String value) {
    settings.zkSaslLoginContext(value);
  }

  public void setZkTlsKeyStore(String value) {
    settings.zkTlsKeyStore(value);
  }

  public void setZkTlsKeyStoreType(String value) {
    settings.zkTlsKeyStoreType(value);
  }

  public void setZkTlsKeyStorePasswordFile(String value) {
    settings.zkTlsKeyStorePasswordFile(value);
  }

  public void setZkTlsKeyStorePasswordEnv(String value) {
    settings.zkTlsKeyStorePasswordEnv(value);
  }

  public void setZkTlsTrustStore(String value) {
    settings.zkTlsTrustStore(value);
  }

  public void setZkTlsTrustStoreType(String value) {
    settings.zkTlsTrustStoreType(value);
  }

  public void setZkTlsTrustStorePasswordFile(String value) {
    settings.zkTlsTrustStorePasswordFile(value);
  }

  public void setZkTlsTrustStorePasswordEnv(String value) {
    settings.zkTlsTrustStorePasswordEnv(value);
  }

  /** Logback's status channel: it never comes back into an appender. */
  private final class StatusDiagnostics implements Diagnostics {
    @Override
    public void info(String message) {
      addInfo(message);
    }

    @Override
    public void warn(String message) {
      addWarn(message);
    }

    @Override
    public void error(String message, Throwable cause) {
      addError(message, cause);
    }
  }
}
