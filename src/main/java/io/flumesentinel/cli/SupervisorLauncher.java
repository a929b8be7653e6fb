package io.flumesentinel.cli;

import io.flumesentinel.supervisor.SupervisorConfig;

/**
 * Runs a supervisor once the command line has produced a valid config, and returns its exit status
 * when it has finished. Tests substitute a launcher that only records the config.
 */
@FunctionalInterface
public interface SupervisorLauncher {

  int run(SupervisorConfig config) throws Exception;

  /** Supervises several agents in one process; returns the first non-zero status, or 0. */
  default int runAll(java.util.List<SupervisorConfig> configs) throws Exception {
    if (configs.size() != 1) {
      throw new UnsupportedOperationException("this launcher runs one agent at a time");
    }
    return run(configs.get(0));
  }
}
