package io.flumesentinel.protocol;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * How an agent's process last ended, as recorded by its supervisor, and what the supervisor does
 * next.
 *
 * <p>The run ({@code pid}, {@code ranFor}) and what follows ({@code restartIn} or {@code gaveUp})
 * were added later: they are absent from the nodes of older supervisors, and absent when a
 * supervisor could not tell (a process that never started has no pid). A supervisor killed with
 * SIGKILL writes nothing at all: its agent's live node expires with its session, and the monitor
 * reports that as a lost session, without any of these fields.
 *
 * @param code the exit code, or {@code null} when a signal ended the process
 * @param signal the signal name without "SIG" (e.g. {@code KILL}), or {@code null}
 * @param at when the supervisor saw the exit
 * @param stderrTail the last lines the process wrote to stderr, possibly empty
 * @param pid the process that ended, or {@code null} when unknown
 * @param ranFor how long that run lasted, or {@code null} when unknown
 * @param restartIn after how long the supervisor starts the agent again; {@code null} when it does
 *     not (or did not say)
 * @param gaveUp why the supervisor does not start the agent again (its start limit was reached, or
 *     its restart policy does not restart this exit); {@code null} when it does (or did not say)
 * @param restartReason why the supervisor itself ended the run to start it again (a resource limit,
 *     a stuck verdict, a failed probe), or {@code null}: the process ended on its own. Optional in
 *     the JSON ({@code restartReason}): older readers ignore it.
 */
public record ExitRecord(
    Integer code,
    String signal,
    Instant at,
    String stderrTail,
    Long pid,
    Duration ranFor,
    Duration restartIn,
    String gaveUp,
    String restartReason) {

  /** Longest stderr tail kept in a node, so a chatty process cannot bloat the znode. */
  public static final int MAX_STDERR_TAIL = 4096;

  public ExitRecord {
    stderrTail = stderrTail == null ? "" : tail(stderrTail, MAX_STDERR_TAIL);
    pid = pid == null || pid <= 0 ? null : pid;
    ranFor = ranFor == null || ranFor.isNegative() ? null : ranFor;
    restartIn = restartIn == null || restartIn.isNegative() ? null : restartIn;
    gaveUp = gaveUp == null || gaveUp.isBlank() ? null : UntrustedText.line(gaveUp);
    if (restartIn != null && gaveUp != null) {
      throw new IllegalArgumentException("an exit is either restarted or given up on, not both");
    }
    restartReason =
        restartReason == null || restartReason.isBlank() ? null : UntrustedText.line(restartReason);
  }

  /** An exit without what the run was or what follows (as older supervisors record it). */
  public ExitRecord(Integer code, String signal, Instant at, String stderrTail) {
    this(code, signal, at, stderrTail, null, null, null, null, null);
  }

  /** This exit, of the run of {@code pid} that lasted {@code ranFor}. */
  public ExitRecord ofRun(Long pid, Duration ranFor) {
    return new ExitRecord(
        code, signal, at, stderrTail, pid, ranFor, restartIn, gaveUp, restartReason);
  }

  /** This exit, followed by a restart after {@code delay}. */
  public ExitRecord restartingIn(Duration delay) {
    return new ExitRecord(code, signal, at, stderrTail, pid, ranFor, delay, null, restartReason);
  }

  /** This exit, after which the supervisor does not start the agent again, and why. */
  public ExitRecord givenUp(String reason) {
    return new ExitRecord(code, signal, at, stderrTail, pid, ranFor, null, reason, restartReason);
  }

  /** This exit with a shorter stderr tail (to fit a node's size). */
  public ExitRecord withStderrTail(String tail) {
    return new ExitRecord(code, signal, at, tail, pid, ranFor, restartIn, gaveUp, restartReason);
  }

  /** This record with {@code reason} as the supervisor's reason to restart. */
  public ExitRecord withRestartReason(String reason) {
    return new ExitRecord(code, signal, at, stderrTail, pid, ranFor, restartIn, gaveUp, reason);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (code != null) {
      json.put("code", code);
    }
    if (signal != null) {
      json.put("signal", signal);
    }
    if (at != null) {
      json.put("at", at.toString());
    }
    if (pid != null) {
      json.put("pid", pid);
    }
    if (ranFor != null) {
      json.put("ranForMs", ranFor.toMillis());
    }
    if (restartIn != null) {
      json.put("restartInMs", restartIn.toMillis());
    }
    if (gaveUp != null) {
      json.put("gaveUp", gaveUp);
    }
    if (restartReason != null) {
      json.put("restartReason", restartReason);
    }
    return json.put("stderrTail", stderrTail);
  }

  static ExitRecord fromJson(JsonObject json) throws NodeDataException {
    Long code = Json.number(json, "code", "lastExit");
    Long pid = Json.number(json, "pid", "lastExit");
    Long ranForMs = Json.number(json, "ranForMs", "lastExit");
    Long restartInMs = Json.number(json, "restartInMs", "lastExit");
    String gaveUp = Json.line(json, "gaveUp", "lastExit");
    return new ExitRecord(
        code == null ? null : code.intValue(),
        Json.line(json, "signal", "lastExit"),
        Json.instant(json, "at", "lastExit"),
        UntrustedText.lines(Json.string(json, "stderrTail", "lastExit"), MAX_STDERR_TAIL),
        pid,
        ranForMs == null ? null : Duration.ofMillis(ranForMs),
        // A node that says both is contradictory: what it says about restarting is dropped.
        restartInMs == null || gaveUp != null ? null : Duration.ofMillis(restartInMs),
        gaveUp,
        Json.line(json, "restartReason", "lastExit"));
  }

  private static String tail(String text, int max) {
    return text.length() <= max ? text : text.substring(text.length() - max);
  }
}
