package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.readiness.Readiness;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routes that declare open prefixes (a page's static files, which a browser loads without a token)
 * answer without one; their data still needs one.
 */
class HttpOpenPathsTest {

  private static final String TOKEN = "open-paths-read-token-0123456789abcdef";
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void anOpenPrefixNeedsNoTokenAndNothingElseOpensWithIt() throws Exception {
    HttpConfig config =
        ConfigLoader.parse(
                "http: { host: 127.0.0.1, port: 0, auth: { readTokenEnv: T } }",
                "monitor.yaml",
                name -> TOKEN)
            .http();
    Routes page =
        new Routes() {
          @Override
          public void mount(Router router, Context context) {
            router.get("/ui/app.js").handler(ctx -> ctx.end("app"));
            router.get("/ui-data").handler(ctx -> ctx.end("data"));
          }

          @Override
          public List<String> openPrefixes() {
            return List.of("/ui/");
          }
        };
    HttpServerVerticle server =
        new HttpServerVerticle(config, new Readiness(), JsonObject::new, page);
    vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    HttpCalls http = new HttpCalls(vertx.createHttpClient(), server.actualPort());

    HttpCalls.Answer script = http.get("/ui/app.js", null);
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.header("content-security-policy")).startsWith("default-src 'self'");
    assertThat(http.get("/ui-data", null).status()).isEqualTo(401);
    assertThat(http.get("/ui-data", TOKEN).status()).isEqualTo(200);
    assertThat(http.get("/status", null).status()).isEqualTo(401);
  }
}
