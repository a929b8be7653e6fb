package io.flumesentinel.protocol;

/**
 * The rules for an agent id, which is also the name of the agent's znodes.
 *
 * <p>An id is 1–128 characters of {@code [A-Za-z0-9._-]} and is neither {@code .} nor {@code ..}
 * (ZooKeeper refuses those as node names). Anything else is refused with a message that says which
 * rule was broken, so an operator can fix a typo without reading code.
 */
public final class AgentId {

  public static final int MAX_LENGTH = 128;

  private AgentId() {}

  /**
   * Returns {@code id} unchanged when it is valid.
   *
   * @throws IllegalArgumentException naming the rule the id breaks
   */
  public static String require(String id) {
    String problem = problem(id);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return id;
  }

  public static boolean isValid(String id) {
    return problem(id) == null;
  }

  /** Why {@code id} is not a valid agent id, or {@code null} when it is. */
  public static String problem(String id) {
    if (id == null || id.isEmpty()) {
      return "agent id is empty";
    }
    if (id.length() > MAX_LENGTH) {
      return "agent id is "
          + id.length()
          + " characters long; at most "
          + MAX_LENGTH
          + " are allowed";
    }
    if (id.equals(".") || id.equals("..")) {
      return "agent id '" + id + "' is reserved by ZooKeeper";
    }
    for (int i = 0; i < id.length(); i++) {
      if (!allowed(id.charAt(i))) {
        return "agent id '"
            + printable(id)
            + "' may only contain letters, digits, '.', '_' and '-'";
      }
    }
    return null;
  }

  /**
   * Whether {@code c} is one of {@code [A-Za-z0-9._-]}: a loop, not a regular expression, since the
   * watch checks the id of every change it sees, thousands at once in a storm.
   */
  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  private static String printable(String id) {
    StringBuilder out = new StringBuilder();
    id.codePoints()
        .limit(MAX_LENGTH + 8)
        .forEach(
            cp ->
                out.append(
                    Character.isISOControl(cp)
                        ? "\\u" + Integer.toHexString(cp)
                        : Character.toString(cp)));
    return out.toString();
  }
}
