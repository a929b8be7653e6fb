package io.flumesentinel.cli;

import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.monitor.Monitor;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the {@link Monitor} for the command line and stops it cleanly when the JVM is asked to
 * stop (SIGTERM, SIGINT): Vert.x, the ZooKeeper session and an embedded server are closed in that
 * order.
 */
public final class MonitorBootstrap implements MonitorLauncher {

  private static final Logger log = LoggerFactory.getLogger(MonitorBootstrap.class);

  @Override
  public void launch(MonitorConfig config) throws Exception {
    Monitor monitor = Monitor.start(config, Clock.systemUTC());
    monitor.rehearseStormInBackground();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Stopping the monitor");
                  monitor.close();
                  log.info("Monitor stopped");
                  Logging.flush();
                },
                "monitor-shutdown"));
  }
}
