package io.flumesentinel.protocol;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * How an agent's process last ended, as recorded by its supervisor.
 *
 * @param code the exit code, or {@code null} when a signal ended the process
 * @param signal the signal name without "SIG" (e.g. {@code KILL}), or {@code null}
 * @param at when the supervisor saw the exit
 * @param stderrTail the last lines the process wrote to stderr, possibly empty
 * @param restartReason why the supervisor itself ended the run to start it again (a resource limit,
 *     a stuck verdict, a failed probe), or {@code null}: the process ended on its own. Optional in
 *     the JSON ({@code restartReason}): older readers ignore it.
 */
public record ExitRecord(
    Integer code, String signal, Instant at, String stderrTail, String restartReason) {

  /** Longest stderr tail kept in a node, so a chatty process cannot bloat the znode. */
  public static final int MAX_STDERR_TAIL = 4096;

  public ExitRecord {
    stderrTail = stderrTail == null ? "" : tail(stderrTail, MAX_STDERR_TAIL);
    restartReason = restartReason == null || restartReason.isEmpty() ? null : restartReason;
  }

  /** An exit of the process on its own (no {@code restartReason}). */
  public ExitRecord(Integer code, String signal, Instant at, String stderrTail) {
    this(code, signal, at, stderrTail, null);
  }

  /** This record with {@code reason} as the supervisor's reason to restart. */
  public ExitRecord withRestartReason(String reason) {
    return new ExitRecord(code, signal, at, stderrTail, reason);
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
    if (restartReason != null) {
      json.put("restartReason", restartReason);
    }
    return json.put("stderrTail", stderrTail);
  }

  static ExitRecord fromJson(JsonObject json) throws NodeDataException {
    Long code = Json.number(json, "code", "lastExit");
    return new ExitRecord(
        code == null ? null : code.intValue(),
        Json.line(json, "signal", "lastExit"),
        Json.instant(json, "at", "lastExit"),
        UntrustedText.lines(Json.string(json, "stderrTail", "lastExit"), MAX_STDERR_TAIL),
        Json.line(json, "restartReason", "lastExit"));
  }

  private static String tail(String text, int max) {
    return text.length() <= max ? text : text.substring(text.length() - max);
  }
}
