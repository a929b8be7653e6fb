package io.flumesentinel.config;

import io.flumesentinel.protocol.ZkLayout;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The value rules shared by the YAML file and the command-line overrides. Each check returns the
 * (normalized) value or throws a {@link ConfigException} naming {@code key}.
 */
final class ConfigChecks {

  private ConfigChecks() {}

  static long inRange(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  static int port(String key, long value) {
    return (int) inRange(key, value, 0, 65_535);
  }

  /** An absolute http or https URL with a host and no credentials in it. */
  static String httpUrl(String key, String value) {
    String url = value.strip();
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException(key, quote(shown(value)) + " is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(key, quote(shown(value)) + " is not an http or https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException(key, quote(shown(value)) + " has no host name");
    }
    if (uri.getRawUserInfo() != null) {
      // The config file is committed and shared; credentials belong in the environment.
      throw new ConfigException(
          key,
          "URL must not contain credentials (user:password@); secrets never come from the config file");
    }
    return url;
  }

  /**
   * A rejected URL as an error message may show it: receivers' tokens travel in query strings
   * ({@code ?access_token=…}) and in deeper path segments (Slack's {@code /services/T…/B…/…}), so
   * both are hidden; the scheme, host and first path segment, which say what is wrong, stay.
   */
  static String shown(String url) {
    String shown = url;
    int query = shown.indexOf('?');
    if (query >= 0) {
      shown = shown.substring(0, query) + "?…";
    }
    int fragment = shown.indexOf('#');
    if (fragment >= 0) {
      shown = shown.substring(0, fragment);
    }
    int authority = shown.indexOf("://");
    int path = shown.indexOf('/', authority < 0 ? 0 : authority + 3);
    int second = path < 0 ? -1 : shown.indexOf('/', path + 1);
    if (second >= 0 && second + 1 < shown.length() && shown.charAt(second + 1) != '?') {
      int end = shown.indexOf('?', second);
      shown = shown.substring(0, second + 1) + "…" + (end < 0 ? "" : shown.substring(end));
    }
    return shown;
  }

  /**
   * A ZooKeeper connect string {@code host[:port][,host[:port]...][/chroot]}; blank means "none".
   *
   * @return the stripped connect string, or {@code null} when blank
   */
  static String connectString(String key, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String connect = value.strip();
    int slash = connect.indexOf('/');
    String hosts = slash < 0 ? connect : connect.substring(0, slash);
    if (slash >= 0) {
      try {
        ZkLayout.normalize(connect.substring(slash));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            key, "chroot of " + quote(value) + " is not valid: " + e.getMessage());
      }
    }
    for (String host : hosts.split(",", -1)) {
      String entry = host.strip();
      if (entry.isEmpty() || entry.chars().anyMatch(Character::isWhitespace)) {
        throw new ConfigException(
            key, quote(value) + " is not a connect string like 'zk1:2181,zk2:2181'");
      }
      int colon = entry.lastIndexOf(':');
      // "[::1]:2181" and bare IPv6 literals carry colons of their own; only check
      // a trailing ":port".
      if (colon > 0 && entry.indexOf(':') == colon) {
        String port = entry.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}")
            || Integer.parseInt(port) < 1
            || Integer.parseInt(port) > 65_535) {
          throw new ConfigException(
              key,
              "port " + quote(port) + " in " + quote(value) + " is not a port number (1-65535)");
        }
      }
    }
    return connect;
  }

  /** A protocol root, normalized by {@link ZkLayout#normalize}. */
  static String root(String key, String value) {
    try {
      return ZkLayout.normalize(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
  }

  /** {@code 'value'} with control characters escaped, so a message stays on one line. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder("'");
    value
        .codePoints()
        .limit(200)
        .forEach(
            cp ->
                out.append(
                    Character.isISOControl(cp)
                        ? String.format("\\u%04x", cp)
                        : Character.toString(cp)));
    if (value.codePointCount(0, value.length()) > 200) {
      out.append("...");
    }
    return out.append('\'').toString();
  }
}
