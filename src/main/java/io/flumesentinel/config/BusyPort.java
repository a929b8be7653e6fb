package io.flumesentinel.config;

import java.net.BindException;

/**
 * A port another program already listens on, told as the config error that names the address and
 * what to change. The bare {@code Address already in use} of the JDK and Netty names neither, and
 * on a first run it is the one error a user can fix at once.
 */
public final class BusyPort {

  private BusyPort() {}

  /**
   * Whether {@code failure}, or one of its causes, is a listen refused because the address is in
   * use. Netty's native transport says so in an {@code IOException} that is no {@link
   * BindException}, hence the look at the message too.
   */
  public static boolean isCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
      if (t.getCause() == t) {
        return false;
      }
    }
    return false;
  }

  /**
   * The one-line error: {@code key: address is already in use …; choose another port with option or
   * key}.
   *
   * @param option the command-line option that overrides {@code key}, or {@code null} when only the
   *     file sets it
   */
  public static ConfigException error(String key, String option, String address) {
    String how = option == null ? key + " in the config file" : option + " or " + key;
    return new ConfigException(
        key,
        address
            + " is already in use by another program (another monitor?): stop it, or choose"
            + " another port with "
            + how);
  }
}
