package io.flumesentinel.supervisor;

/**
 * Restarts a process whose resident memory stays over a limit, as monit's {@code if totalmem > X
 * for N cycles then restart} or superlance's {@code memmon}: over the limit in {@code checks}
 * consecutive readings is a restart; one reading under it starts the count again. Pure; one
 * instance per run of the process.
 */
public final class ResourcePolicy {

  /**
   * @param rssLimitBytes the limit of resident memory; 0: no limit
   * @param checks consecutive readings over the limit that call for a restart (at least 1)
   */
  public record Settings(long rssLimitBytes, int checks) {
    public Settings {
      if (checks < 1) {
        throw new IllegalArgumentException("checks must be at least 1");
      }
    }

    public boolean enabled() {
      return rssLimitBytes > 0;
    }
  }

  private final Settings settings;
  private int over;

  public ResourcePolicy(Settings settings) {
    this.settings = settings;
  }

  /**
   * One reading of the resident memory (-1: unknown, which neither counts nor resets).
   *
   * @return why to restart, e.g. {@code RSS 612 MB over 512 MB for 3 checks}, or {@code null}
   */
  public String observe(long rssBytes) {
    if (!settings.enabled() || rssBytes < 0) {
      return null;
    }
    if (rssBytes <= settings.rssLimitBytes()) {
      over = 0;
      return null;
    }
    over++;
    if (over < settings.checks()) {
      return null;
    }
    return "RSS "
        + ResourceJudge.megabytes(rssBytes)
        + " MB over "
        + ResourceJudge.megabytes(settings.rssLimitBytes())
        + " MB for "
        + over
        + (over == 1 ? " check" : " checks");
  }
}
