package io.flumesentinel.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resolved notice of an agent alert, saying how and after how long it ended: its {@code
 * summary} becomes, e.g., {@code Flume agent s1 on flume-07 recovered after 5.0 s: running again
 * with pid 4242}; its {@code description} keeps what the firing notice said; {@code resolution}
 * names how it ended and {@code duration} how long it lasted (from {@code startsAt} to {@code
 * endsAt}). Pure.
 */
public final class Ending {

  /** The annotation naming the process of the agent's new run, on a resolved down alert. */
  public static final String RUNNING_PID = "runningPid";

  private Ending() {}

  /**
   * {@code firing}, resolved at {@code at} with {@code resolution} (a {@link Reason} name, or any
   * word another stage ends an alert with).
   *
   * @param extra further annotations of the ending; {@link #RUNNING_PID} is said in the summary
   */
  public static Alert resolve(
      Alert firing, String resolution, Instant at, Map<String, String> extra) {
    Duration lasted = Duration.between(firing.startsAt(), at);
    String took = duration(lasted);
    Map<String, String> ending = new TreeMap<>(extra);
    ending.put("resolution", resolution);
    ending.put("duration", took);
    String was = firing.annotation("summary");
    ending.put(
        "summary",
        who(firing) + " " + how(resolution) + " after " + took + detail(firing, resolution, extra));
    ending.put(
        "description",
        (was == null || was.isEmpty() ? "" : "Was: " + was + ". ")
            + "Began "
            + firing.startsAt()
            + ", ended "
            + at
            + ".");
    return firing.resolve(at, ending);
  }

  /**
   * {@code d} as a person reads it: {@code 850 ms}, {@code 5.0 s}, {@code 3 min 12 s}, {@code 2 h 5
   * min}, {@code 3 d 4 h}.
   */
  public static String duration(Duration d) {
    Duration positive = d.isNegative() ? Duration.ZERO : d;
    long ms = positive.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = positive.toSeconds();
    if (s < 3600) {
      return (s / 60) + " min " + (s % 60) + " s";
    }
    if (s < 86_400) {
      return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
    return (s / 86_400) + " d " + (s % 86_400 / 3600) + " h";
  }

  private static String who(Alert alert) {
    String agent = alert.agent();
    if (agent == null) {
      return "Flume Sentinel on " + alert.subject();
    }
    String host = alert.labels().get("host");
    return "Flume agent " + agent + (host == null ? "" : " on " + host);
  }

  private static String how(String resolution) {
    return switch (resolution) {
      case "RECOVERED" -> "recovered";
      case "STOPPED" -> "was deregistered";
      case "DOWN" -> "stopped running";
      case "FLAPPING" -> "started flapping";
      default -> "resolved (" + resolution + ")";
    };
  }

  private static String detail(Alert firing, String resolution, Map<String, String> extra) {
    if (firing.agent() == null) {
      return "";
    }
    String reason = firing.annotation("reason");
    boolean health = Reason.STUCK.name().equals(reason) || Reason.HUNG.name().equals(reason);
    return switch (resolution) {
      case "RECOVERED" -> {
        if (health) {
          yield ": healthy again";
        }
        String pid = extra.get(RUNNING_PID);
        yield pid == null ? ": running again" : ": running again with pid " + pid;
      }
      case "STOPPED" -> ": a deliberate stop";
      case "DOWN" -> ": FlumeAgentDown takes over";
      default -> "";
    };
  }
}
