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

  /** Every route of {@code all}, in this order, as one; their open prefixes together. */
  static Routes of(Routes... all) {
    return new Routes() {
      @Override
      public void mount(Router router, Context context) {
        for (Routes routes : all) {
          routes.mount(router, context);
        }
      }

      @Override
      public List<String> openPrefixes() {
        List<String> prefixes = new ArrayList<>();
        for (Routes routes : all) {
          prefixes.addAll(routes.openPrefixes());
        }
        return prefixes;
      }
    };
  }
}
