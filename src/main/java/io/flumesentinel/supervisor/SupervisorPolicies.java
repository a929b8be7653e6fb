package io.flumesentinel.supervisor;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a supervisor does besides keeping its agent registered and restarting it after a crash:
 * measuring the process ({@link ResourceJudge}, reported as {@code FlumeAgentMemory} and {@code
 * FlumeAgentGc}), restarting it on purpose ({@link ResourcePolicy}, {@link HealthRestartPolicy},
 * {@link Probe}), and how it is started ({@link RunAs}, an {@link EnvironmentFile}, {@link
 * RotatingOutput}). Every restart on purpose is recorded in the agent node with its reason and
 * counts against the start limit of the {@link RestartPolicy}.
 *
 * @param resourceInterval time between two readings of the process; {@link Duration#ZERO}: the
 *     process is not measured (nor restarted for its memory)
 * @param resources thresholds of the memory and GC verdicts
 * @param rss restart when resident memory stays over a limit
 * @param healthRestart restart on a STUCK or HUNG verdict
 * @param probe a probe with restart on failure, or {@code null}
 * @param user the user the agent runs as, or {@code null}: the supervisor's
 * @param environment variables added to the agent's environment
 * @param output copies of the agent's stdout and stderr in rotated files, or {@code null}
 */
public record SupervisorPolicies(
    Duration resourceInterval,
    ResourceJudge.Settings resources,
    ResourcePolicy.Settings rss,
    HealthRestartPolicy.Settings healthRestart,
    Probe.Settings probe,
    RunAs user,
    Map<String, String> environment,
    RotatingOutput.Settings output) {

  public static final Duration DEFAULT_RESOURCE_INTERVAL = Duration.ofSeconds(15);

  public SupervisorPolicies {
    Objects.requireNonNull(resourceInterval, "resourceInterval");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(rss, "rss");
    Objects.requireNonNull(healthRestart, "healthRestart");
    environment = Map.copyOf(environment == null ? Map.of() : environment);
  }

  /** The defaults: measured every 15 s with the default thresholds, no restart on purpose. */
  public static SupervisorPolicies defaults() {
    return new SupervisorPolicies(
        DEFAULT_RESOURCE_INTERVAL,
        ResourceJudge.Settings.defaults(),
        new ResourcePolicy.Settings(0, 3),
        HealthRestartPolicy.Settings.off(),
        null,
        null,
        Map.of(),
        null);
  }

  /** Whether the process is measured. */
  public boolean measured() {
    return !resourceInterval.isZero();
  }

  /** As a record's, without the environment's values (they may be secrets). */
  @Override
  public String toString() {
    return "SupervisorPolicies[resourceInterval="
        + resourceInterval
        + ", resources="
        + resources
        + ", rss="
        + rss
        + ", healthRestart="
        + healthRestart
        + ", probe="
        + (probe == null ? null : probe.target())
        + ", user="
        + user
        + ", environment="
        + environment.keySet()
        + ", output="
        + output
        + "]";
  }
}
