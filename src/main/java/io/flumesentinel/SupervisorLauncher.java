package io.flumesentinel;

import io.flumesentinel.supervisor.SupervisorConfig;

/**
 * Runs a supervisor once the command line has produced a valid config, and returns its exit status
 * when it has finished. Tests substitute a launcher that only records the config.
 */
@FunctionalInterface
public interface SupervisorLauncher {

  int run(SupervisorConfig config) throws Exception;
}
