package io.flumesentinel.http;

import io.flumesentinel.config.HttpAuthConfig.Role;
import java.util.List;
import java.util.Optional;

/**
 * Which role a request needs, when tokens are configured. Pure: a method name and a path in, the
 * answer out.
 *
 * <ul>
 *   <li>{@code /health/*}, the open prefixes and the open paths given: nothing, so probes and load
 *       balancers need no token, nor a browser loading a page that then asks for one.
 *   <li>{@code GET} and {@code HEAD}: {@link Role#READ}; this covers {@code /api/*}, {@code
 *       /status}, and any page or metrics added later.
 *   <li>any other method: {@link Role#WRITE} (silences, acknowledgements), whatever the path, so a
 *       write route added later is never readable-token writable by omission.
 * </ul>
 *
 * Paths not served need a token too, so a client without one learns nothing of what is served.
 */
final class AccessPolicy {

  static final String HEALTH = "/health/";

  private final List<String> openPrefixes;
  private final List<String> openPaths;

  /**
   * @param openPrefixes more path prefixes that need no token (for example the static files of a
   *     page that asks for a token itself); {@code /health/} always is one
   */
  AccessPolicy(List<String> openPrefixes) {
    this(openPrefixes, List.of());
  }

  /**
   * @param openPrefixes as above
   * @param openPaths exact paths that need no token (a page at {@code /}, say)
   */
  AccessPolicy(List<String> openPrefixes, List<String> openPaths) {
    this.openPrefixes = List.copyOf(openPrefixes);
    this.openPaths = List.copyOf(openPaths);
  }

  /** The role the request needs, or empty when it needs none. */
  Optional<Role> needed(String method, String path) {
    if (isHealth(path)
        || openPaths.contains(path)
        || openPrefixes.stream().anyMatch(path::startsWith)) {
      return Optional.empty();
    }
    return Optional.of(method.equals("GET") || method.equals("HEAD") ? Role.READ : Role.WRITE);
  }

  /**
   * Whether {@code path} is a health probe's. Vert.x Web routes a path after normalizing it ({@code
   * /health/../api/alerts} is {@code /api/alerts}), so the caller passes the normalized path.
   */
  static boolean isHealth(String path) {
    return path.startsWith(HEALTH);
  }
}
