package io.flumesentinel.silence;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One condition of a silence on one label, as amtool writes it: {@code group=ingest}, {@code
 * group!=ingest}, {@code host=~"flume-0[1-4]"}, {@code host!~"flume-.*"}.
 *
 * <p>Regular expressions are anchored, as in Prometheus and Alertmanager: {@code
 * host=~flume-0[1-4]} matches the label's whole value, not a part of it. They are RE2's, as there,
 * and run in linear time ({@link UserRegex}), so that no user's pattern can stall the thread that
 * matches it. A label the alert does not have counts as the empty string, so {@code dc!=east} also
 * matches alerts without {@code dc}. Immutable.
 *
 * <p>The JSON form is Alertmanager's: {@code {"name", "value", "isRegex", "isEqual"}}.
 */
public record Matcher(String label, Op op, String value) {

  /** The four operators of amtool and Alertmanager. */
  public enum Op {
    EQUAL("=", false, true),
    NOT_EQUAL("!=", false, false),
    REGEX("=~", true, true),
    NOT_REGEX("!~", true, false);

    private final String symbol;
    private final boolean regex;
    private final boolean equal;

    Op(String symbol, boolean regex, boolean equal) {
      this.symbol = symbol;
      this.regex = regex;
      this.equal = equal;
    }

    public String symbol() {
      return symbol;
    }

    static Op of(boolean regex, boolean equal) {
      for (Op op : values()) {
        if (op.regex == regex && op.equal == equal) {
          return op;
        }
      }
      throw new AssertionError();
    }
  }

  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final String FORMS = "label=value, label!=value, label=~regex or label!~regex";

  /**
   * @throws IllegalArgumentException when the label name is not a Prometheus label name or the
   *     regex does not compile
   */
  public Matcher {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(value, "value");
    if (label == null || !LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException(
          "label name '" + label + "' must match " + LABEL.pattern());
    }
    if (op.regex) {
      UserRegex.compile(value);
    }
  }

  /**
   * Parses amtool's form, {@code label<op>value}; the value may be in double quotes ({@code
   * comment="a b"}), with {@code \"} and {@code \\} escapes inside.
   *
   * @throws IllegalArgumentException with one line quoting the input and naming the problem
   */
  public static Matcher parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty matcher: expected " + FORMS);
    }
    String input = text.strip();
    int at = operatorIndex(input);
    if (at < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a matcher: expected " + FORMS + " (e.g. group=ingest)");
    }
    String label = input.substring(0, at).strip();
    Op op = operatorAt(input, at);
    String raw = input.substring(at + op.symbol.length()).strip();
    if (op == Op.EQUAL && raw.startsWith("=")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a matcher: '==' is no operator; expected " + FORMS);
    }
    try {
      return new Matcher(label, op, unquote(raw));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
    }
  }

  /** Whether an alert with {@code labels} satisfies this matcher (an absent label is empty). */
  public boolean matches(Map<String, String> labels) {
    String actual = labels.getOrDefault(label, "");
    boolean same = op.regex ? UserRegex.matches(value, actual) : value.equals(actual);
    return same == op.equal;
  }

  /**
   * Whether this matcher holds for an alert without the label: a silence made only of such matchers
   * would mute far more than it names, and is refused (as Alertmanager refuses it).
   */
  public boolean matchesEmpty() {
    return matches(Map.of());
  }

  /** amtool's form, with the value quoted: {@code group="ingest"}. */
  @Override
  public String toString() {
    return label
        + op.symbol
        + '"'
        + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
        + '"';
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", label)
        .put("value", value)
        .put("isRegex", op.regex)
        .put("isEqual", op.equal);
  }

  /**
   * Reads Alertmanager's JSON form; {@code isRegex} defaults to false and {@code isEqual} to true.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  public static Matcher fromJson(JsonObject json) {
    Object name = json.getValue("name");
    Object value = json.getValue("value");
    if (!(name instanceof String n)) {
      throw new IllegalArgumentException("matcher.name must be a string");
    }
    if (!(value instanceof String v)) {
      throw new IllegalArgumentException("matcher.value must be a string");
    }
    return new Matcher(n, Op.of(flag(json, "isRegex", false), flag(json, "isEqual", true)), v);
  }

  private static boolean flag(JsonObject json, String key, boolean absent) {
    Object value = json.getValue(key);
    if (value == null) {
      return absent;
    }
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException("matcher." + key + " must be true or false");
    }
    return b;
  }

  /** Where the first operator starts: the first '=' or '!' followed by '=' or '~'. */
  private static int operatorIndex(String input) {
    for (int i = 0; i < input.length(); i++) {
      char c = input.charAt(i);
      if (c == '=') {
        return i;
      }
      if (c == '!' && i + 1 < input.length() && "=~".indexOf(input.charAt(i + 1)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static Op operatorAt(String input, int at) {
    boolean negated = input.charAt(at) == '!';
    int next = negated ? at + 1 : at;
    if (negated) {
      return input.charAt(next) == '~' ? Op.NOT_REGEX : Op.NOT_EQUAL;
    }
    return next + 1 < input.length() && input.charAt(next + 1) == '~' ? Op.REGEX : Op.EQUAL;
  }

  private static String unquote(String raw) {
    if (raw.length() < 2 || raw.charAt(0) != '"' || raw.charAt(raw.length() - 1) != '"') {
      if (raw.startsWith("\"")) {
        throw new IllegalArgumentException("unterminated quoted value");
      }
      return raw;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < raw.length() - 1; i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length() - 1) {
        char escaped = raw.charAt(++i);
        out.append(escaped == 'n' ? '\n' : escaped);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
