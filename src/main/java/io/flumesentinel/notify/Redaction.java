package io.flumesentinel.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the secrets of receivers' URLs out of what is shown: a webhook's {@code ?token=…}, a
 * robot's {@code access_token} or {@code key}, the path of a Slack or Feishu hook. A receiver is
 * named by {@code scheme://host:port} only ({@link #origin}); error texts, which HTTP clients write
 * with the request's path and query in them, are scrubbed of them ({@link #scrub}) before they
 * reach a log line, a stat or {@code /status}. Pure functions.
 */
public final class Redaction {

  /** What stands for a removed secret. */
  public static final String HIDDEN = "…";

  /** Query values and a last path segment shorter than this are not worth hiding (too common). */
  private static final int MIN_SECRET_CHARS = 4;

  /**
   * Other path segments this long look like a token (words such as {@code robot} or {@code hook} in
   * a path are left alone, so that error texts stay readable).
   */
  private static final int MIN_TOKEN_CHARS = 16;

  /** An http(s) URL in free text: its origin (group 1), then its path, query and fragment. */
  private static final Pattern URL_IN_TEXT =
      Pattern.compile("(?i)\\b(https?://[^/?#\\s\"'<>]+)([/?#][^\\s\"'<>]*)?");

  private Redaction() {}

  /**
   * {@code url}'s {@code scheme://host:port} (the port only when the URL has one), without user
   * info, path, query or fragment; {@code "(invalid URL)"} when it does not parse.
   */
  public static String origin(String url) {
    try {
      URI uri = new URI(url.strip());
      if (uri.getScheme() == null || uri.getHost() == null) {
        return "(invalid URL)";
      }
      return uri.getScheme().toLowerCase(Locale.ROOT)
          + "://"
          + uri.getHost()
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (URISyntaxException e) {
      return "(invalid URL)";
    }
  }

  /**
   * {@code text} without anything of {@code url} but its origin: the URL itself, its path and query
   * (as an HTTP client quotes the request it sent), each query value, the last path segment (where
   * vendors put a hook's token) and any path segment as long as a token; then without the path and
   * query of any other http(s) URL in it ({@link #urls}).
   */
  public static String scrub(String text, String url) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String scrubbed = text;
    for (String secret : secrets(url)) {
      scrubbed = scrubbed.replace(secret, HIDDEN);
    }
    return urls(scrubbed);
  }

  /** {@code text} with every http(s) URL in it cut to its origin, followed by {@link #HIDDEN}. */
  public static String urls(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    Matcher matcher = URL_IN_TEXT.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (matcher.find()) {
      String origin = withoutUserInfo(matcher.group(1));
      String rest = matcher.group(2);
      String kept = rest == null || rest.equals("/") ? origin + (rest == null ? "" : rest) : origin;
      String replacement = rest == null || rest.equals("/") ? kept : kept + "/" + HIDDEN;
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** The parts of {@code url} that may hold a secret, longest first. */
  private static List<String> secrets(String url) {
    List<String> secrets = new ArrayList<>();
    if (url == null || url.isBlank()) {
      return secrets;
    }
    secrets.add(url);
    secrets.add(url.strip());
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      return secrets;
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String query = uri.getRawQuery();
    if (query != null) {
      secrets.add(path + "?" + query);
      secrets.add(query);
      for (String pair : query.split("&")) {
        int equals = pair.indexOf('=');
        addIfLong(secrets, equals < 0 ? pair : pair.substring(equals + 1));
      }
      String decoded = uri.getQuery();
      if (decoded != null && !decoded.equals(query)) {
        secrets.add(decoded);
      }
    }
    if (path.length() > 1) {
      secrets.add(path);
      String[] segments = path.split("/");
      addIfLong(secrets, segments[segments.length - 1]);
      for (String segment : segments) {
        if (segment.length() >= MIN_TOKEN_CHARS) {
          secrets.add(segment);
        }
      }
    }
    if (uri.getRawUserInfo() != null) {
      secrets.add(uri.getRawUserInfo());
    }
    secrets.sort(Comparator.comparingInt(String::length).reversed());
    return secrets;
  }

  private static void addIfLong(List<String> secrets, String part) {
    if (part.length() >= MIN_SECRET_CHARS) {
      secrets.add(part);
    }
  }

  private static String withoutUserInfo(String origin) {
    int scheme = origin.indexOf("://") + 3;
    int at = origin.lastIndexOf('@');
    return at < scheme ? origin : origin.substring(0, scheme) + origin.substring(at + 1);
  }
}
