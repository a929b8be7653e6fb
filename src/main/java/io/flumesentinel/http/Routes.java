package io.flumesentinel.http;

import io.vertx.core.Context;
import io.vertx.ext.web.Router;

/** More routes served on the health port, mounted when the server starts. */
@FunctionalInterface
public interface Routes {

  /** Adds routes to {@code router}; their handlers run on {@code context}, an event loop. */
  void mount(Router router, Context context);
}
