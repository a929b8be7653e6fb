package io.flumesentinel.testing;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;

/**
 * The end-to-end setting of the fat jar's commands: a real ZooKeeper ({@link Zk#server()}) with a
 * client of the test's, a {@link WebhookReceiver}, and the fat jar's monitor watching that
 * ZooKeeper and alerting that receiver. Closing it stops the monitor and closes the rest.
 */
public final class MonitoredZooKeeper implements AutoCloseable {

  private TestingServer zooKeeper;
  private CuratorFramework client;
  private WebhookReceiver receiver;
  private MonitorJar monitor;

  private MonitoredZooKeeper() {}

  /** Starts it all and returns once the monitor answers ready. */
  public static MonitoredZooKeeper start(Path dir) throws Exception {
    MonitoredZooKeeper setting = launch(dir);
    try {
      setting.monitor.awaitReady();
    } catch (RuntimeException e) {
      setting.close();
      throw e;
    }
    return setting;
  }

  /** As {@link #start}, without waiting for the monitor: see {@link MonitorJar#awaitReady}. */
  public static MonitoredZooKeeper launch(Path dir) throws Exception {
    MonitoredZooKeeper setting = new MonitoredZooKeeper();
    try {
      setting.zooKeeper = Zk.server();
      setting.client = Zk.client(setting.connect(), Duration.ofSeconds(10));
      setting.receiver = WebhookReceiver.start();
      setting.monitor = MonitorJar.launch(dir, setting.connect(), setting.receiver);
    } catch (Exception e) {
      setting.close();
      throw e;
    }
    return setting;
  }

  public String connect() {
    return zooKeeper.getConnectString();
  }

  public CuratorFramework client() {
    return client;
  }

  public WebhookReceiver receiver() {
    return receiver;
  }

  public MonitorJar monitor() {
    return monitor;
  }

  /** Stops the monitor (if it still runs), then closes the client, the receiver and ZooKeeper. */
  @Override
  public void close() throws Exception {
    Exception failure = null;
    for (AutoCloseable each : new AutoCloseable[] {monitor, client, receiver, zooKeeper}) {
      if (each == null) {
        continue;
      }
      try {
        each.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
