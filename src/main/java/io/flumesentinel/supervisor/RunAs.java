package io.flumesentinel.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The user the agent runs as when the supervisor is started as root: the command is started behind
 * {@code setpriv --reuid UID --regid GID --init-groups}, which changes the user and its groups and
 * then execs the command (the agent keeps the pid the supervisor started, and still dies with it:
 * setpriv sets the parent-death signal after the change). Nothing else of the environment changes:
 * give {@code HOME} and the like in an environment file when the agent needs them.
 *
 * @param user the name (or number) given
 * @param uid its user id
 * @param gid its primary group id
 */
public record RunAs(String user, long uid, long gid) {

  /**
   * Looks {@code user} up (with {@code id}, so NSS sources count) and checks that this can work.
   *
   * @throws IllegalArgumentException saying what is wrong: not root, no setpriv, no such user
   */
  public static RunAs resolve(String user, int effectiveUid, boolean setprivAvailable) {
    if (user == null || user.isBlank() || user.startsWith("-")) {
      throw new IllegalArgumentException("'" + user + "' is not a user name");
    }
    if (effectiveUid != 0) {
      throw new IllegalArgumentException(
          "running the agent as another user needs a supervisor started as root (this one runs as"
              + " uid "
              + effectiveUid
              + ")");
    }
    if (!setprivAvailable) {
      throw new IllegalArgumentException(
          "running the agent as another user needs " + ChildProcess.SETPRIV + " (util-linux)");
    }
    return new RunAs(user, id(user, "-u"), id(user, "-g"));
  }

  /** The arguments for setpriv that switch to this user. */
  List<String> setprivArguments() {
    return List.of("--reuid", Long.toString(uid), "--regid", Long.toString(gid), "--init-groups");
  }

  private static long id(String user, String flag) {
    try {
      Process process =
          new ProcessBuilder("id", flag, "--", user)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out = process.getInputStream().readNBytes(64);
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalArgumentException("could not look up user '" + user + "': id hangs");
      }
      if (process.exitValue() != 0) {
        throw new IllegalArgumentException("no such user: '" + user + "'");
      }
      return Long.parseLong(new String(out, StandardCharsets.US_ASCII).strip());
    } catch (IOException | NumberFormatException e) {
      throw new IllegalArgumentException("could not look up user '" + user + "': " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalArgumentException("interrupted looking up user '" + user + "'");
    }
  }
}
