package io.flumesentinel.cli;

import io.flumesentinel.config.MonitorConfig;

/**
 * Starts the monitor service once the command line has produced a valid config. Tests substitute a
 * launcher that only records the config.
 *
 * <p>{@link #launch} may return as soon as the service runs: the command line does not end the JVM
 * after a successful launch, so the service's own non-daemon threads keep it alive, and stopping
 * cleanly (a shutdown hook) is the launcher's job. An exception means the service did not start;
 * the process then exits with status 1.
 */
@FunctionalInterface
public interface MonitorLauncher {

  void launch(MonitorConfig config) throws Exception;
}
