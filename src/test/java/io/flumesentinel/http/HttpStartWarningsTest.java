package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.readiness.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The warnings an operator reads at start when the port is open to the network. */
class HttpStartWarningsTest {

  private final Vertx vertx = Vertx.vertx();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(HttpServerVerticle.class);

  @BeforeEach
  void listen() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void close() {
    logger.detachAppender(logged);
    vertx.close().await();
  }

  private List<String> warningsOf(String http) throws Exception {
    vertx
        .deployVerticle(
            new HttpServerVerticle(
                ConfigLoader.parse(
                        "http: " + http,
                        "monitor.yaml",
                        name -> "start-warnings-token-0123456789abcdef")
                    .http(),
                new Readiness(),
                JsonObject::new,
                (r, c) -> {}))
        .await(10, TimeUnit.SECONDS);
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void everyAddressWithoutTokensIsOneWarning() throws Exception {
    List<String> warnings = warningsOf("{ host: 0.0.0.0, port: 0 }");

    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .startsWith("The HTTP API on http://0.0.0.0:")
        .contains("is unauthenticated");
  }

  @Test
  void tokensWithoutTlsOnEveryAddressAreOneWarning() throws Exception {
    List<String> warnings = warningsOf("{ host: 0.0.0.0, port: 0, auth: { readTokenEnv: T } }");

    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).startsWith("Bearer tokens reach http://0.0.0.0:");
  }

  @Test
  void loopbackIsNoWarning() throws Exception {
    assertThat(warningsOf("{ host: 127.0.0.1, port: 0 }")).isEmpty();
  }
}
