package io.flumesentinel.dashboard;

import io.flumesentinel.http.Routes;
import io.vertx.core.Context;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.util.List;

/**
 * The dashboard, on the HTTP port: the page at {@code /}, its script and style under {@value
 * #ASSETS} (read from the classpath, so the jar carries them and nothing is fetched from
 * elsewhere), and its live updates at {@code GET /api/stream} ({@link EventStream}).
 *
 * <p>The page and its files hold no data, so they need no token even when tokens are configured:
 * the page asks its user for one, keeps it in the tab's {@code sessionStorage}, and sends it as
 * {@code Authorization: Bearer} on every call to {@code /api/*} and {@code /status}, which need it
 * as they always do; {@code /api/stream} needs the read token too. The page's script writes every
 * value as text (never as HTML), since agent ids, hosts and labels come from ZooKeeper, and it runs
 * under the port's strict {@code Content-Security-Policy} (its own scripts and styles only, no
 * inline script).
 */
public final class Dashboard implements Routes {

  /** Where the page's files are served from. */
  public static final String ASSETS = "/dashboard/";

  /** The classpath folder of the page's files. */
  static final String WEBROOT = "io/flumesentinel/dashboard/page";

  private final Clock clock;

  public Dashboard(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void mount(Router router, Context context) {
    StaticHandler files =
        StaticHandler.create(WEBROOT)
            .setCachingEnabled(false)
            .setDirectoryListing(false)
            .setIncludeHidden(false)
            .setIndexPage("index.html")
            .setDefaultContentEncoding("UTF-8");
    // The handler resolves the files from the jar off the event loop (its first look at a file is
    // an asynchronous one), which a plain sendFile would do on it; at "/" it serves index.html.
    // "/" alone: Vert.x Web takes a route path ending in "/" for a prefix.
    router
        .get("/")
        .handler(
            ctx -> {
              if (ctx.normalizedPath().equals("/")) {
                files.handle(ctx);
              } else {
                ctx.next();
              }
            });
    router.get(ASSETS + "*").handler(files);
    EventStream stream = new EventStream(context.owner(), clock);
    stream.start();
    router.get("/api/stream").handler(stream::handle);
  }

  @Override
  public List<String> openPrefixes() {
    return List.of(ASSETS);
  }

  @Override
  public List<String> openPaths() {
    return List.of("/");
  }
}
