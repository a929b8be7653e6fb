package io.flumesentinel;

import io.flumesentinel.supervisor.Supervisor;
import io.flumesentinel.supervisor.SupervisorConfig;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Supervisor} in the foreground. SIGTERM or SIGINT to the JVM is a deliberate stop:
 * the shutdown hook stops the agent (SIGTERM, then SIGKILL after the stop timeout) and deregisters
 * it before the JVM goes.
 */
final class SupervisorBootstrap implements SupervisorLauncher {

  private static final Logger log = LoggerFactory.getLogger(SupervisorBootstrap.class);

  @Override
  public int run(SupervisorConfig config) throws Exception {
    Supervisor supervisor = Supervisor.start(config, Clock.systemUTC());
    long stopMs = config.stopTimeout().plus(config.connectionTimeout()).toMillis() + 10_000;
    Thread hook =
        new Thread(
            () -> {
              log.info("{}: stop requested", config.agentId());
              supervisor.stop();
              try {
                supervisor.exitStatus().get(stopMs, TimeUnit.MILLISECONDS);
              } catch (Exception e) {
                log.error(
                    "{}: did not stop within {} ms: {}", config.agentId(), stopMs, e.toString());
              }
              Logging.flush();
            },
            "supervisor-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int status = supervisor.exitStatus().get();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running: it waits for the same status, and flushes the log itself
      return status;
    }
    Logging.flush();
    return status;
  }
}
