package io.flumesentinel.protocol;

import java.util.regex.Pattern;

/**
 * The rule for silence ids, which are also znode names under {@code <root>/silences}: kept here,
 * with the layout, so that a path is never built from a name that could escape its parent.
 */
public final class SilenceIds {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private SilenceIds() {}

  /** Why {@code id} cannot name a silence, or {@code null} when it can. */
  public static String problem(String id) {
    if (id == null || !ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
      return "'"
          + id
          + "' is not a silence id: 1-128 letters, digits, '.', '_' or '-' (as 'silence list' shows)";
    }
    return null;
  }
}
