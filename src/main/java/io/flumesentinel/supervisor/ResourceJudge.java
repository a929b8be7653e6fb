package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.ResourceHealth;
import io.flumesentinel.protocol.ResourceHealth.Status;
import io.flumesentinel.protocol.ResourceHealth.Verdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Decides from successive readings of the process ({@link ProcessResources}) and its JVM ({@link
 * JvmHealth}) whether its memory and its garbage collection are OK or HIGH. Pure: no I/O, time from
 * the injected clock; one instance per run of the process.
 *
 * <ul>
 *   <li><b>memory</b> is over when the heap is at or above {@code heapPercent} of its maximum, the
 *       resident memory at or above {@code rssAlertBytes} (when set), or the open file descriptors
 *       at or above {@code fdPercent} of the process's limit; HIGH once it has been over in every
 *       reading for {@code sustainFor}. A heap is often nearly full just before a collection: only
 *       a heap that stays full across the readings of that time is short of memory.
 *   <li><b>gc</b> is over when the share of wall time spent collecting since the previous reading
 *       is at or above {@code gcPercent}; HIGH once over for {@code sustainFor}.
 *   <li>A reading where the condition no longer holds is OK at once.
 * </ul>
 */
public final class ResourceJudge {

  /**
   * @param heapPercent heap used at or above this share of its maximum counts as over
   * @param gcPercent time share spent in collections at or above this counts as over
   * @param fdPercent open file descriptors at or above this share of the limit count as over
   * @param rssAlertBytes resident memory at or above this counts as over; 0: not checked
   * @param sustainFor how long a condition lasts before it is reported
   */
  public record Settings(
      double heapPercent,
      double gcPercent,
      double fdPercent,
      long rssAlertBytes,
      Duration sustainFor) {
    public Settings {
      Objects.requireNonNull(sustainFor, "sustainFor");
    }

    public static Settings defaults() {
      return new Settings(90, 20, 90, 0, Duration.ofMinutes(5));
    }
  }

  private final Settings settings;
  private final Clock clock;
  private ResourceHealth status;
  private Instant memoryOverSince;
  private Instant gcOverSince;
  private Instant lastAt;
  private long lastGcNanos = -1;

  public ResourceJudge(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    Instant now = clock.instant();
    this.status = new ResourceHealth(Verdict.ok(now), Verdict.ok(now));
  }

  /** The verdicts as last decided (OK at first). */
  public ResourceHealth status() {
    return status;
  }

  /**
   * One reading: the process's figures, and its JVM's when it publishes them ({@code null}: not).
   *
   * @return the new verdicts when one of them changed status, else {@code null}
   */
  public ResourceHealth observe(ProcessResources.Sample process, JvmHealth.Sample jvm) {
    Instant now = clock.instant();
    Map<String, String> figures = figures(process, jvm);

    List<String> over = memoryOver(process, jvm);
    Verdict memory = status.memory();
    if (over.isEmpty()) {
      memoryOverSince = null;
      memory = memory.high() ? Verdict.ok(now) : memory;
    } else {
      memoryOverSince = memoryOverSince == null ? now : memoryOverSince;
      if (!memory.high() && sustained(memoryOverSince, now)) {
        memory =
            new Verdict(
                Status.HIGH,
                String.join("; ", over) + " for " + millis(memoryOverSince, now) + " ms",
                memoryOverSince,
                figures);
      }
    }

    Verdict gc = status.gc();
    double share = gcShare(jvm, now);
    if (share < 0) {
      // no figure this time: the verdict stands (a first reading, a JVM without counters)
    } else if (share < settings.gcPercent()) {
      gcOverSince = null;
      gc = gc.high() ? Verdict.ok(now) : gc;
    } else {
      gcOverSince = gcOverSince == null ? now : gcOverSince;
      if (!gc.high() && sustained(gcOverSince, now)) {
        Map<String, String> details = new LinkedHashMap<>(figures);
        details.put("gcPercent", percent(share));
        details.put("gcThresholdPercent", percent(settings.gcPercent()));
        gc =
            new Verdict(
                Status.HIGH,
                "garbage collection takes "
                    + percent(share)
                    + "% of the time (threshold "
                    + percent(settings.gcPercent())
                    + "%) for "
                    + millis(gcOverSince, now)
                    + " ms",
                gcOverSince,
                details);
      }
    }
    ResourceHealth next = new ResourceHealth(memory, gc);
    if (next.memory().status() == status.memory().status()
        && next.gc().status() == status.gc().status()) {
      return null;
    }
    status = next;
    return next;
  }

  private List<String> memoryOver(ProcessResources.Sample process, JvmHealth.Sample jvm) {
    List<String> over = new ArrayList<>();
    if (jvm != null && jvm.heapPercent() >= settings.heapPercent()) {
      over.add(
          "heap "
              + percent(jvm.heapPercent())
              + "% of "
              + megabytes(jvm.heapMaxBytes())
              + " MB (threshold "
              + percent(settings.heapPercent())
              + "%)");
    }
    if (settings.rssAlertBytes() > 0 && process.rssBytes() >= settings.rssAlertBytes()) {
      over.add(
          "RSS "
              + megabytes(process.rssBytes())
              + " MB over "
              + megabytes(settings.rssAlertBytes())
              + " MB");
    }
    if (process.maxOpenFds() > 0
        && process.openFds() >= 0
        && 100.0 * process.openFds() / process.maxOpenFds() >= settings.fdPercent()) {
      over.add(
          "open files "
              + process.openFds()
              + " of "
              + process.maxOpenFds()
              + " (threshold "
              + percent(settings.fdPercent())
              + "%)");
    }
    return over;
  }

  /** The share of time spent collecting since the previous reading, in percent; -1: unknown. */
  private double gcShare(JvmHealth.Sample jvm, Instant now) {
    if (jvm == null) {
      return -1;
    }
    double share = -1;
    if (lastGcNanos >= 0 && lastAt != null && now.isAfter(lastAt)) {
      long wall = Duration.between(lastAt, now).toNanos();
      share = Math.min(100, Math.max(0, 100.0 * (jvm.gcTimeNanos() - lastGcNanos) / wall));
    }
    lastGcNanos = jvm.gcTimeNanos();
    lastAt = now;
    return share;
  }

  private boolean sustained(Instant since, Instant now) {
    return Duration.between(since, now).compareTo(settings.sustainFor()) >= 0;
  }

  /** What was measured, as details of a verdict. */
  static Map<String, String> figures(ProcessResources.Sample process, JvmHealth.Sample jvm) {
    Map<String, String> figures = new LinkedHashMap<>();
    if (process.rssBytes() >= 0) {
      figures.put("rssBytes", Long.toString(process.rssBytes()));
    }
    if (process.openFds() >= 0) {
      figures.put("openFds", Integer.toString(process.openFds()));
    }
    if (process.maxOpenFds() > 0) {
      figures.put("maxOpenFds", Long.toString(process.maxOpenFds()));
    }
    if (jvm != null) {
      figures.put("heapUsedBytes", Long.toString(jvm.heapUsedBytes()));
      figures.put("heapMaxBytes", Long.toString(jvm.heapMaxBytes()));
      if (jvm.heapPercent() >= 0) {
        figures.put("heapPercent", percent(jvm.heapPercent()));
      }
    }
    return figures;
  }

  private static long millis(Instant from, Instant to) {
    return Duration.between(from, to).toMillis();
  }

  /** Whole megabytes (MiB), as people read a memory figure. */
  static long megabytes(long bytes) {
    return bytes / (1024 * 1024);
  }

  static String percent(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.1f", value);
  }
}
