package io.flumesentinel.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides from successive probe results ({@link Probe}) when to restart: {@code failures}
 * consecutive failed looks, not counting those within the start grace of a run (an agent is not
 * expected to answer while it starts). A passed look starts the count again. Pure: time from the
 * injected clock; one instance per run of the process.
 */
public final class ProbePolicy {

  private final Probe.Settings settings;
  private final Clock clock;
  private final Instant startedAt;
  private int failed;

  public ProbePolicy(Probe.Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  /**
   * One probe result: {@code null} when it passed, else what failed.
   *
   * @return why to restart, or {@code null}
   */
  public String observe(String failure) {
    if (failure == null) {
      failed = 0;
      return null;
    }
    if (Duration.between(startedAt, clock.instant()).compareTo(settings.startGrace()) < 0) {
      return null;
    }
    failed++;
    if (failed < settings.failures()) {
      return null;
    }
    return "probe "
        + settings.target()
        + " failed "
        + failed
        + (failed == 1 ? " time" : " times")
        + ": "
        + failure;
  }
}
