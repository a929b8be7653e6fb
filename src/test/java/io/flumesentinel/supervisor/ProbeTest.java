package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One probe against a real HTTP server and real commands, each within its timeout. */
class ProbeTest {

  private static Probe.Settings url(String url) {
    return new Probe.Settings(
        URI.create(url), null, Duration.ofMillis(10), Duration.ofMillis(3000), 1, Duration.ZERO);
  }

  private static Probe.Settings command(String command) {
    return new Probe.Settings(
        null, command, Duration.ofMillis(10), Duration.ofMillis(3000), 1, Duration.ZERO);
  }

  private static String run(Probe.Settings settings) throws Exception {
    return new Probe(settings, HttpClient.newHttpClient()).run().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aUrlMustAnswer2xxInTime() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/ok",
        exchange -> {
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.createContext(
        "/broken",
        exchange -> {
          exchange.sendResponseHeaders(503, -1);
          exchange.close();
        });
    server.createContext(
        "/slow",
        exchange -> {
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    try {
      assertThat(run(url(base + "/ok"))).isNull();
      assertThat(run(url(base + "/broken"))).isEqualTo("HTTP 503");
      assertThat(run(url(base + "/slow"))).isEqualTo("no answer within 3000 ms");
    } finally {
      server.stop(0);
    }
    assertThat(run(url(base + "/ok"))).startsWith("ConnectException");
  }

  @Test
  void aCommandMustExitZeroInTime() throws Exception {
    assertThat(run(command("test -d /"))).isNull();
    assertThat(run(command("exit 3"))).isEqualTo("exit code 3");
    long started = System.nanoTime();
    assertThat(run(command("sleep 30"))).isEqualTo("no answer within 3000 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
  }
}
