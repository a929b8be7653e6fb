package io.flumesentinel.appender;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The appender's core, shared by the Logback and Log4j2 adapters: {@link #append} from any logging
 * thread, never blocking on the network; one sender thread; discovery of the agents; counters over
 * JMX. {@link #stop} flushes for at most the shutdown timeout and leaves no thread behind (the
 * sender's, the Flume client's and Curator's end with it); an adapter that is reconfigured stops
 * its old core and starts a new one.
 */
public final class FlumeSender {

  /**
   * Whose counters are registered under each name: Log4j2 starts a new configuration's appender
   * before it stops the old one, and the old one's stop must not unregister the new one's bean.
   */
  private static final ConcurrentHashMap<ObjectName, AppenderStats> REGISTERED =
      new ConcurrentHashMap<>();

  private final AppenderSettings settings;
  private final Diagnostics diagnostics;
  private final AppenderStats stats = new AppenderStats();
  private final AtomicLong lastDropWarning = new AtomicLong(Long.MIN_VALUE);
  private final Transport transport;
  private EventBuffer buffer;
  private Sender sender;
  private ZooKeeperAgents zooKeeper;
  private ObjectName beanName;
  private volatile boolean started;

  public FlumeSender(AppenderSettings settings, Diagnostics diagnostics) {
    this(settings, diagnostics, new FlumeRpcTransport(settings));
  }

  FlumeSender(AppenderSettings settings, Diagnostics diagnostics, Transport transport) {
    this.settings = settings;
    this.diagnostics = diagnostics;
    this.transport = transport;
  }

  /**
   * Opens the spool (if configured), starts the sender and discovery, registers the JMX bean. A
   * spool that cannot be opened leaves the appender running with the {@code drop} policy, said
   * once.
   */
  public synchronized void start() {
    if (started) {
      return;
    }
    Spool spool = null;
    if (settings.overflow() == AppenderSettings.Overflow.SPOOL) {
      try {
        spool =
            Spool.open(
                settings.spoolDir(), "flume-sentinel-" + settings.name(), settings.spoolMaxBytes());
        stats.spoolBytes(spool.bytes());
      } catch (IOException | RuntimeException e) {
        diagnostics.error("spool not available, events that do not fit in memory are dropped", e);
      }
    }
    buffer =
        new EventBuffer(
            settings.queueSize(),
            EventBuffer.handOffCapacity(settings.queueSize()),
            spool,
            settings.instanceId(),
            stats,
            settings.name());
    stats.queueSize(buffer::queued);
    sender =
        new Sender(
            settings,
            buffer,
            transport,
            stats,
            diagnostics,
            () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()),
            System::currentTimeMillis,
            () -> ThreadLocalRandom.current().nextDouble());
    AgentDirectory directory =
        new AgentDirectory(
            settings.agents(),
            list -> {
              stats.agents(endpoints(list), list.source());
              sender.agents(list.agents());
            });
    AgentDirectory.AgentList initial = directory.current();
    stats.agents(endpoints(initial), initial.source());
    sender.agents(initial.agents());
    sender.start();
    started = true;
    registerBean();
    if (settings.zookeeper() != null) {
      zooKeeper = new ZooKeeperAgents(settings, directory, diagnostics);
      zooKeeper.start();
    }
  }

  /**
   * Queues one event; never waits for room or for the network.
   *
   * @param headers the event's Flume headers; the appender adds {@link EventHeaders#INSTANCE} and
   *     {@link EventHeaders#SEQ}
   * @return false when it was dropped (counted and reported)
   */
  public boolean append(Map<String, String> headers, byte[] body) {
    EventBuffer current = buffer;
    if (!started || current == null) {
      return false;
    }
    EventBuffer.Outcome outcome = current.offer(headers, body);
    if (outcome == EventBuffer.Outcome.DROPPED) {
      warnDropped();
      return false;
    }
    return true;
  }

  private void warnDropped() {
    long now = System.nanoTime();
    long last = lastDropWarning.get();
    long interval = settings.dropWarnInterval().toNanos();
    if ((last == Long.MIN_VALUE || now - last >= interval)
        && lastDropWarning.compareAndSet(last, now)) {
      diagnostics.warn(
          "queue full: events are being dropped ("
              + stats.getEventsDropped()
              + " so far); they are counted and reported to the agents when they take events again");
    }
  }

  /**
   * Sends what is queued for at most the shutdown timeout, then stops every thread the appender
   * started and unregisters the JMX bean. Events left are counted and said.
   */
  public synchronized void stop() {
    if (!started) {
      return;
    }
    started = false;
    if (zooKeeper != null) {
      zooKeeper.close();
      zooKeeper = null;
    }
    try {
      if (!sender.stop()) {
        diagnostics.warn("the sender thread did not end");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      buffer.close();
    } catch (IOException e) {
      diagnostics.error("closing the spool", e);
    }
    unregisterBean();
  }

  public AppenderStats stats() {
    return stats;
  }

  AppenderSettings settings() {
    return settings;
  }

  Thread senderThread() {
    return sender == null ? null : sender.thread();
  }

  /** The JMX name of this appender's counters. */
  public static ObjectName beanName(String appenderName) throws JMException {
    return new ObjectName(
        "io.flumesentinel.appender:type=FlumeAppender,name=" + ObjectName.quote(appenderName));
  }

  private void registerBean() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName name = beanName(settings.name());
      synchronized (REGISTERED) {
        if (server.isRegistered(name)) {
          // an appender of the same name not stopped yet (a reconfiguration): the new one wins
          server.unregisterMBean(name);
        }
        server.registerMBean(stats, name);
        REGISTERED.put(name, stats);
      }
      beanName = name;
    } catch (JMException | RuntimeException e) {
      diagnostics.error("counters not registered with JMX", e);
    }
  }

  private void unregisterBean() {
    if (beanName == null) {
      return;
    }
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      synchronized (REGISTERED) {
        if (REGISTERED.remove(beanName, stats) && server.isRegistered(beanName)) {
          server.unregisterMBean(beanName);
        }
      }
    } catch (JMException | RuntimeException e) {
      diagnostics.error("counters not unregistered from JMX", e);
    }
    beanName = null;
  }

  private static String endpoints(AgentDirectory.AgentList list) {
    StringBuilder text = new StringBuilder();
    for (AgentAddress agent : list.agents()) {
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(agent.endpoint());
    }
    return text.toString();
  }
}
