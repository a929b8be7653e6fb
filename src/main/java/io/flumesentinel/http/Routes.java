package io.flumesentinel.http;

import io.vertx.core.Context;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;

/** More routes served on the health port, mounted when the server starts. */
@FunctionalInterface
public interface Routes {

  /** Adds routes to {@code router}; their handlers run on {@code context}, an event loop. */
  void mount(Router router, Context context);

  /**
   * Path prefixes of these routes that need no token even when tokens are configured: only what
   * holds no data, such as the static files of a page that then asks its user for a token (a
   * browser sends no {@code Authorization} header when it loads a page). None by default.
   */
  default List<String> openPrefixes() {
    return List.of();
  }

  /**
   * Exact paths of these routes that need no token even when tokens are configured, for the same
   * kind of content as {@link #openPrefixes()}: a page served at {@code /}, which as a prefix would
   * open every path. None by default.
   */
  default List<String> openPaths() {
    return List.of();
  }

  /** All of {@code routes}, mounted in this order, with the open prefixes and paths of each. */
  static Routes all(Routes... routes) {
    List<Routes> each = List.of(routes);
    return new Routes() {
      @Override
      public void mount(Router router, Context context) {
        each.forEach(r -> r.mount(router, context));
      }

      @Override
      public List<String> openPrefixes() {
        List<String> open = new ArrayList<>();
        each.forEach(r -> open.addAll(r.openPrefixes()));
        return List.copyOf(open);
      }

      @Override
      public List<String> openPaths() {
        List<String> open = new ArrayList<>();
        each.forEach(r -> open.addAll(r.openPaths()));
        return List.copyOf(open);
      }
    };
  }
}
