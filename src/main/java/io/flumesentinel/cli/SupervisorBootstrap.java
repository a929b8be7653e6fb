package io.flumesentinel.cli;

import io.flumesentinel.supervisor.Supervisor;
import io.flumesentinel.supervisor.SupervisorConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Supervisor} per agent in the foreground. SIGTERM or SIGINT to the JVM is a
 * deliberate stop of every agent, all at once: the shutdown hook stops each (SIGTERM, then SIGKILL
 * after its stop timeout) and deregisters it before the JVM goes. A supervisor that gives up (its
 * start limit) ends alone; the others keep going, and the process ends with the first non-zero
 * status once all have ended.
 */
public final class SupervisorBootstrap implements SupervisorLauncher {

  private static final Logger log = LoggerFactory.getLogger(SupervisorBootstrap.class);

  @Override
  public int run(SupervisorConfig config) throws Exception {
    return runAll(List.of(config));
  }

  @Override
  public int runAll(List<SupervisorConfig> configs) throws Exception {
    List<Supervisor> supervisors = new ArrayList<>();
    long stopMs = 10_000;
    for (SupervisorConfig config : configs) {
      supervisors.add(Supervisor.start(config, Clock.systemUTC()));
      stopMs =
          Math.max(
              stopMs, config.stopTimeout().plus(config.connectionTimeout()).toMillis() + 10_000);
    }
    long waitMs = stopMs;
    Thread hook =
        new Thread(
            () -> {
              log.info("stop requested: stopping {} agent(s)", supervisors.size());
              supervisors.forEach(Supervisor::stop);
              for (Supervisor supervisor : supervisors) {
                try {
                  supervisor.exitStatus().get(waitMs, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                  log.error("a supervisor did not stop within {} ms: {}", waitMs, e.toString());
                }
              }
              Logging.flush();
            },
            "supervisor-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int status = 0;
    for (Supervisor supervisor : supervisors) {
      int one = supervisor.exitStatus().get();
      status = status != 0 ? status : one;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running: it waits for the same statuses, and flushes the log itself
      return status;
    }
    Logging.flush();
    return status;
  }
}
