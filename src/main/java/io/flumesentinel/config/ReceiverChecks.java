package io.flumesentinel.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The rules every receiver's keys share. Each check returns the value or throws a {@link
 * ConfigException} naming the key within the receiver ({@code name}, {@code urls[1]}).
 */
final class ReceiverChecks {

  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Names no one gives a variable: a DingTalk secret ({@code SEC} and hex), or 20 or more letters
   * and digits mixing cases and digits with no {@code _}, as tokens are.
   */
  private static final Pattern LOOKS_LIKE_SECRET =
      Pattern.compile(
          "SEC[0-9a-fA-F]{16,}|(?=[A-Za-z0-9]{20,}$)(?=.*[a-z])(?=.*[A-Z0-9])[A-Za-z0-9]+");

  private static final Pattern MAIL_ADDRESS = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+");

  private static final Pattern RECEIVER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private ReceiverChecks() {}

  static String name(String name) {
    if (name == null) {
      throw new ConfigException("name", "is required");
    }
    if (!RECEIVER_NAME.matcher(name).matches()) {
      throw new ConfigException(
          "name",
          ConfigChecks.quote(name) + " must be 1-64 characters of letters, digits, '_' and '-'");
    }
    return name;
  }

  /** Fails on the second receiver of a name; the keys are the file's ({@code receivers[1]}). */
  static void uniqueNames(List<ReceiverConfig> receivers) {
    Map<String, String> keyByName = new HashMap<>();
    for (int i = 0; i < receivers.size(); i++) {
      String key = "receivers[" + i + "].name";
      String earlier = keyByName.putIfAbsent(receivers.get(i).name(), key);
      if (earlier != null) {
        throw new ConfigException(
            key,
            ConfigChecks.quote(receivers.get(i).name()) + " is already the name of " + earlier);
      }
    }
  }

  static int maxBatch(Long given, int fallback) {
    return given == null ? fallback : (int) ConfigChecks.inRange("maxBatch", given, 1, 100_000);
  }

  static int queueCapacity(Long given, int fallback, int maxBatch) {
    int capacity =
        given == null
            ? fallback
            : (int) ConfigChecks.inRange("queueCapacity", given, 1, 10_000_000);
    if (capacity < maxBatch) {
      throw new ConfigException(
          "queueCapacity", "must be at least maxBatch (" + maxBatch + "), got " + capacity);
    }
    return capacity;
  }

  /**
   * The value of the environment variable named under {@code key}. A value that looks like the
   * secret itself rather than a variable's name is refused, so that it is not kept in the file.
   */
  static String environmentValue(
      String key, String variable, Function<String, String> environment) {
    if (!ENV_NAME.matcher(variable).matches() || LOOKS_LIKE_SECRET.matcher(variable).matches()) {
      throw new ConfigException(
          key,
          "must be the name of an environment variable (like ROBOT_SECRET), not the secret itself");
    }
    String value = environment.apply(variable);
    if (value == null) {
      throw new ConfigException(key, "the environment variable " + variable + " is not set");
    }
    return value;
  }

  /** A secret from the environment variable named under {@code key}: stripped, never empty. */
  static String secret(String key, String variable, Function<String, String> environment) {
    String secret = environmentValue(key, variable, environment).strip();
    if (secret.isEmpty()) {
      throw new ConfigException(key, "the environment variable " + variable + " is empty");
    }
    return secret;
  }

  static List<String> mailAddresses(String key, List<String> given) {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; given != null && i < given.size(); i++) {
      addresses.add(mailAddress(key + "[" + i + "]", given.get(i)));
    }
    return addresses;
  }

  /** A bare address ({@code a@b}); enough to catch a typo, the server judges the rest. */
  static String mailAddress(String key, String value) {
    String address = stripped(value);
    if (address.isEmpty()) {
      throw new ConfigException(key, "a mail address is required");
    }
    if (!MAIL_ADDRESS.matcher(address).matches()) {
      throw new ConfigException(
          key, ConfigChecks.quote(address) + " is not a mail address (like ops@example.com)");
    }
    return address;
  }

  /** {@code value} without surrounding blanks; empty when not given. */
  static String stripped(String value) {
    return value == null ? "" : value.strip();
  }
}
