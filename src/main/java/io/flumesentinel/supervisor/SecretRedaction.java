package io.flumesentinel.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the values of options that look like secrets, in an agent's command line and in the lines
 * it prints, before either is logged or written to ZooKeeper: {@code -Dkafka.password=hunter2}
 * becomes {@code -Dkafka.password=***}. Pure.
 *
 * <p>A name looks like a secret when, lower-cased and without {@code .}, {@code _} and {@code -},
 * it contains {@code password}, {@code passwd}, {@code pwd}, {@code secret}, {@code token}, {@code
 * credential}, {@code apikey}, {@code passphrase}, {@code privatekey}, {@code accesskey}, {@code
 * jaasconfig} (Kafka's {@code sasl.jaas.config}) or {@code authorization}, or ends in {@code key}
 * ({@code ssl.key}, {@code encryptionKey}; not {@code ssl.keystore.location} nor {@code
 * key.serializer}). Redacting a harmless value costs a detail in a log; missing a secret leaks it,
 * so the rule leans towards hiding.
 *
 * <p>What is recognised: in a command line, one argument {@code -Dname=value}, {@code --name=value}
 * or {@code -name=value} (the whole value, spaces included), and the argument after {@code --name}
 * or {@code -name} without {@code =}; in any text (an output line, a {@code sh -c} script), {@code
 * name=value} with a quoted value or one that runs to white space, {@code ;}, {@code ,} or {@code
 * &}, {@code "name": "value"} as in JSON, and the password of a URL ({@code
 * scheme://user:password@host}). Caveat: a secret given by position or behind a short option whose
 * name says nothing ({@code -p hunter2}) is not recognised; pass secrets to Flume in files or the
 * environment instead.
 */
public final class SecretRedaction {

  /** What a hidden value is replaced with. */
  public static final String MASK = "***";

  private static final List<String> SECRET_WORDS =
      List.of(
          "password",
          "passwd",
          "pwd",
          "secret",
          "token",
          "credential",
          "apikey",
          "passphrase",
          "privatekey",
          "accesskey",
          "jaasconfig",
          "authorization");

  /** One argument holding an option and its value. */
  private static final Pattern OPTION =
      Pattern.compile("(-D|--?)([A-Za-z0-9_.\\-]+)=(.*)", Pattern.DOTALL);

  /** An option whose value is the next argument. */
  private static final Pattern FLAG = Pattern.compile("--?([A-Za-z][A-Za-z0-9_.\\-]*)");

  /**
   * {@code name=value} in free text. A quote that is not closed (a line cut short) hides the rest
   * of the text. The look-behind starts a name only at its first character, so a long run of name
   * characters is scanned once, not once per position.
   */
  private static final Pattern ASSIGNMENT =
      Pattern.compile(
          "(?<![A-Za-z0-9_.\\-])([A-Za-z0-9_.\\-]+)=(\"[^\"]*\"?|'[^']*'?|[^\\s\"',;&]*)");

  /** Possessive, so that a long value is one step and not one recursion per character. */
  private static final Pattern JSON_MEMBER =
      Pattern.compile("\"([A-Za-z0-9_.\\-]+)\"(\\s*:\\s*)\"(?:[^\"\\\\]++|\\\\.)*+\"?");

  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/\\s:@]+:)[^/\\s@]+@");

  private SecretRedaction() {}

  /** Whether an option or property of this name holds a secret (see the class comment). */
  public static boolean secretName(String name) {
    String compact = name.toLowerCase(Locale.ROOT).replaceAll("[._\\-]", "");
    if (compact.endsWith("key")) {
      return true;
    }
    for (String word : SECRET_WORDS) {
      if (compact.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /** The command line with the values of secret options hidden, one entry per argument. */
  public static List<String> command(List<String> command) {
    List<String> shown = new ArrayList<>(command.size());
    boolean hideNext = false;
    for (String argument : command) {
      if (hideNext) {
        shown.add(MASK);
        hideNext = false;
        continue;
      }
      Matcher option = OPTION.matcher(argument);
      Matcher flag = FLAG.matcher(argument);
      if (option.matches() && secretName(option.group(2))) {
        shown.add(option.group(1) + option.group(2) + "=" + MASK);
      } else if (flag.matches() && secretName(flag.group(1))) {
        shown.add(argument);
        hideNext = true;
      } else {
        shown.add(text(argument));
      }
    }
    return shown;
  }

  /** The command line as one line for a log, secrets hidden. */
  public static String commandLine(List<String> command) {
    return String.join(" ", command(command));
  }

  /** {@code text} with the values of secret-looking assignments, members and URLs hidden. */
  public static String text(String text) {
    if (text.indexOf('=') < 0 && text.indexOf(':') < 0) {
      return text;
    }
    String hidden = replaceSecret(ASSIGNMENT, text, m -> m.group(1) + "=" + MASK);
    hidden =
        replaceSecret(
            JSON_MEMBER, hidden, m -> "\"" + m.group(1) + "\"" + m.group(2) + "\"" + MASK + "\"");
    return URL_PASSWORD.matcher(hidden).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
  }

  private static String replaceSecret(
      Pattern pattern, String text, java.util.function.Function<Matcher, String> hide) {
    Matcher matcher = pattern.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (matcher.find()) {
      String name = matcher.group(1).replaceFirst("^(-D|--?)", "");
      String replacement = secretName(name) ? hide.apply(matcher) : matcher.group();
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
