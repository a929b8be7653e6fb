package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.testing.CoreTestBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The monitor's HTTP server with tokens configured, in front of the real read API on a real
 * ZooKeeper: what a client with no token, a wrong one, a read one and a write one gets.
 */
class HttpAuthTest extends CoreTestBase {

  private static final String READ = "r".repeat(16) + "0123456789abcdef0123";
  private static final String WRITE = "w".repeat(16) + "0123456789abcdef0123";
  private static final String OTHER_READ = "another-read-token-0123456789abcdef";

  @TempDir Path dir;
  private HttpCalls http;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(HttpServerVerticle.class);

  @AfterEach
  void stopListening() {
    logger.detachAppender(logged);
  }

  @BeforeEach
  void start() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# role token\nread " + OTHER_READ + "\n\nwrite " + WRITE + "\n");
    HttpConfig config =
        ConfigLoader.parse(
                "http:\n"
                    + "  host: 127.0.0.1\n"
                    + "  port: 0\n"
                    + "  auth: { tokensFile: '"
                    + tokens
                    + "', readTokenEnv: SENTINEL_READ }\n",
                "monitor.yaml",
                Map.of("SENTINEL_READ", READ)::get)
            .http();
    logged.start();
    logger.addAppender(logged);
    startMonitor();
    HttpServerVerticle server =
        new HttpServerVerticle(
            config,
            monitor.readiness,
            () -> new JsonObject().put("ready", true),
            Routes.all(
                new ReadApi(monitor.client, layout, monitor.silences),
                new WriteApi(monitor.client, layout, monitor.silences)));
    monitor.vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    http = new HttpCalls(monitor.vertx.createHttpClient(), server.actualPort());
  }

  @Test
  void theApiAnswers401WithoutATokenAnd200WithAReadOrWriteToken() throws Exception {
    for (String path : new String[] {"/api/alerts", "/api/silences", "/status"}) {
      HttpCalls.Answer none = http.get(path, null);
      assertThat(none.status()).as(path).isEqualTo(401);
      assertThat(none.header("www-authenticate")).isEqualTo("Bearer realm=\"flume-sentinel\"");
      assertThat(new JsonObject(none.body()).getString("error"))
          .isEqualTo("a bearer token is required");

      HttpCalls.Answer wrong = http.get(path, READ + "x");
      assertThat(wrong.status()).as(path).isEqualTo(401);
      assertThat(wrong.header("www-authenticate"))
          .isEqualTo("Bearer realm=\"flume-sentinel\", error=\"invalid_token\"");

      assertThat(http.get(path, READ).status()).as(path).isEqualTo(200);
      assertThat(http.get(path, OTHER_READ).status()).as(path).isEqualTo(200);
      assertThat(http.get(path, WRITE).status()).as("a write token reads too").isEqualTo(200);
    }
    assertThat(new JsonArray(http.get("/api/alerts", READ).body())).isEmpty();
  }

  @Test
  void healthAnswersWithoutAToken() throws Exception {
    assertThat(http.get("/health/live", null).status()).isEqualTo(200);
    assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
    assertThat(http.get("/health/live", "not-a-token").status()).isEqualTo(200);
  }

  @Test
  void aWriteNeedsTheWriteToken() throws Exception {
    Buffer silence = Buffer.buffer("{\"matchers\":[]}");
    HttpCalls.Answer none = http.send(HttpMethod.POST, "/api/silences", null, silence);
    assertThat(none.status()).isEqualTo(401);

    HttpCalls.Answer read = http.send(HttpMethod.POST, "/api/silences", READ, silence);
    assertThat(read.status()).isEqualTo(403);
    assertThat(read.header("www-authenticate"))
        .isEqualTo(
            "Bearer realm=\"flume-sentinel\", error=\"insufficient_scope\", scope=\"write\"");
    assertThat(http.send(HttpMethod.DELETE, "/api/silences/x", READ, null).status()).isEqualTo(403);

    // Past the token check: the write API judges the silence itself.
    HttpCalls.Answer write = http.send(HttpMethod.POST, "/api/silences", WRITE, silence);
    assertThat(write.status()).isEqualTo(400);
    assertThat(new JsonObject(write.body()).getString("error")).startsWith("endsAt must be");
  }

  @Test
  void pathsNotServedNeedATokenBeforeTheyAre404() throws Exception {
    assertThat(http.get("/api/nothing-here", null).status()).isEqualTo(401);
    HttpCalls.Answer missing = http.get("/api/nothing-here", READ);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("content-type")).isEqualTo("application/json");
  }

  @Test
  void aHealthPrefixDoesNotOpenOtherPaths() throws Exception {
    assertThat(http.get("/health/../api/alerts", null).status()).isEqualTo(401);
    assertThat(http.get("/health/..%2Fapi/alerts", null).status()).isIn(401, 404);
    assertThat(http.get("/health/./../status", null).status()).isEqualTo(401);
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    Buffer large = Buffer.buffer("x".repeat(HttpServerVerticle.MAX_BODY_BYTES + 1));
    assertThat(http.send(HttpMethod.POST, "/api/silences", WRITE, large).status()).isEqualTo(413);
  }

  @Test
  void everyAnswerCarriesTheSecurityHeaders() throws Exception {
    for (HttpCalls.Answer answer :
        new HttpCalls.Answer[] {
          http.get("/api/alerts", READ),
          http.get("/api/alerts", null),
          http.get("/health/live", null),
          http.get("/nothing", READ),
          http.send(HttpMethod.POST, "/api/silences", READ, null)
        }) {
      assertThat(answer.header("x-content-type-options")).isEqualTo("nosniff");
      assertThat(answer.header("x-frame-options")).isEqualTo("DENY");
      assertThat(answer.header("content-security-policy"))
          .startsWith("default-src 'self'")
          .contains("frame-ancestors 'none'");
      assertThat(answer.header("referrer-policy")).isEqualTo("no-referrer");
      assertThat(answer.header("cache-control")).isEqualTo("no-store");
      assertThat(answer.header("strict-transport-security")).as("no HSTS without TLS").isNull();
    }
  }

  @Test
  void aRefusalIsLoggedWithThePathButNeitherTheTokenNorTheQuery() throws Exception {
    String tried = "guessed-token-" + "9".repeat(30);
    assertThat(http.get("/api/alerts?filter=host%3Dsecret-host", tried).status()).isEqualTo(401);
    assertThat(http.get("/status", null).status()).isEqualTo(401);

    assertThat(logged.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .filteredOn(line -> line.startsWith("Refused"))
        .containsExactly("Refused 401 (unknown token): GET /api/alerts from 127.0.0.1");
    assertThat(logged.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains(tried) || line.contains("secret-host"))
        .noneMatch(line -> line.contains(READ) || line.contains(WRITE));
  }
}
