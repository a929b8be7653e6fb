package io.flumesentinel.bench;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.monitor.Monitor;
import java.time.Clock;
import java.util.List;

/**
 * Starts the whole monitor in this JVM, as {@code Monitor.start} does for the command line, and
 * waits until it is ready.
 */
final class InProcessMonitor {

  private static final long READY_WITHIN_MS = 60_000;

  private InProcessMonitor() {}

  /** A monitor of {@code root} with default settings and one webhook receiver. */
  static Monitor startReady(String zkConnect, String root, String webhookUrl) throws Exception {
    return startReady(zkConnect, root, webhookUrl, FlappingConfig.defaults());
  }

  /** The same with {@code flapping} (a benchmark that crashes one agent again and again). */
  static Monitor startReady(
      String zkConnect, String root, String webhookUrl, FlappingConfig flapping) throws Exception {
    ZkConfig defaults = ZkConfig.of(zkConnect);
    ZkConfig zk =
        new ZkConfig(
            zkConnect,
            root,
            defaults.sessionTimeout(),
            defaults.connectionTimeout(),
            defaults.embeddedPort(),
            defaults.embeddedDataDir());
    MonitorConfig config =
        new MonitorConfig(
            zk,
            new HttpConfig("127.0.0.1", 0),
            ClassifierConfig.defaults(),
            List.of(WebhookReceiverConfig.of("bench", List.of(webhookUrl))),
            "",
            null,
            flapping,
            null);
    Monitor monitor = Monitor.start(config, Clock.systemUTC());
    long deadline = System.nanoTime() + READY_WITHIN_MS * 1_000_000;
    while (!monitor.readiness().ready()) {
      if (System.nanoTime() > deadline) {
        List<String> waiting = monitor.readiness().waitingFor();
        monitor.close();
        throw new IllegalStateException(
            "monitor not ready after " + READY_WITHIN_MS + " ms, waiting for " + waiting);
      }
      Thread.sleep(10);
    }
    return monitor;
  }
}
