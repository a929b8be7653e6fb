package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.MonitorJar;
import io.flumesentinel.testing.TestCertificates;
import io.flumesentinel.testing.TestCertificates.Identity;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar's monitor with TLS and bearer tokens from its environment, as an operator runs it,
 * seen from outside: probes answer without a token, the API only with one, writes only with the
 * write token, and plain HTTP not at all. Key material it cannot use stops it with one line.
 */
@Tag("extended")
class HttpSecurityJarIT {

  private static final String READ = "jar-read-token-0123456789abcdef0123456789";
  private static final String WRITE = "jar-write-token-0123456789abcdef0123456789";

  @TempDir static Path dir;
  private static ZooKeeperProcess zooKeeper;
  private static Identity identity;
  private static Identity other;
  private static HttpClient https;

  @BeforeAll
  static void start() throws Exception {
    zooKeeper = ZooKeeperProcess.start();
    identity = TestCertificates.create(dir, "monitor");
    other = TestCertificates.create(dir, "other");
    Path trust = TestCertificates.trustStore(dir.resolve("trust.p12"), identity);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(trust)) {
      store.load(in, TestCertificates.PASSWORD.toCharArray());
    }
    TrustManagerFactory trusting =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trusting.init(store);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trusting.getTrustManagers(), null);
    https = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (zooKeeper != null) {
      zooKeeper.close();
    }
  }

  private static ChildJvm monitor(String name, Path cert, Path key, int port) throws Exception {
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "zookeeper: { connect: \"" + zooKeeper.connectString() + "\", root: /" + name + " }",
            "http:",
            "  host: 127.0.0.1",
            "  port: " + port,
            "  tls: { certFile: '" + cert + "', keyFile: '" + key + "' }",
            "  auth: { readTokenEnv: SENTINEL_READ_TOKEN, writeTokenEnv: SENTINEL_WRITE_TOKEN }",
            ""));
    return ChildJvm.start(
        MonitorJar.command(256, "monitor", "--config", config.toString()),
        Map.of("SENTINEL_READ_TOKEN", READ, "SENTINEL_WRITE_TOKEN", WRITE));
  }

  private static HttpResponse<String> send(String method, int port, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                method.equals("GET")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString("{}"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tlsAndTokensFromTheEnvironmentGuardTheApiButNotTheProbes() throws Exception {
    int port = Http.freePort();
    try (ChildJvm monitor = monitor("secured", identity.certPem(), identity.keyPem(), port)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> send("GET", port, "/health/ready", null).statusCode() == 200);

      HttpResponse<String> none = send("GET", port, "/api/alerts", null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("www-authenticate"))
          .hasValue("Bearer realm=\"flume-sentinel\"");
      assertThat(send("GET", port, "/api/alerts", "wrong-" + READ).statusCode()).isEqualTo(401);
      HttpResponse<String> read = send("GET", port, "/api/alerts", READ);
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.body()).isEqualTo("[]");
      assertThat(read.headers().firstValue("strict-transport-security")).isPresent();
      assertThat(send("GET", port, "/status", WRITE).statusCode()).isEqualTo(200);
      assertThat(send("GET", port, "/health/live", null).statusCode()).isEqualTo(200);
      assertThat(send("POST", port, "/api/silences", READ).statusCode()).isEqualTo(403);
      assertThat(send("POST", port, "/api/silences", WRITE).statusCode())
          .as("past the token check: the empty body is refused as a silence")
          .isEqualTo(400);
      assertThatThrownBy(() -> Http.get(port, "/health/live")).isInstanceOf(IOException.class);

      assertThat(monitor.output())
          .anyMatch(line -> line.contains("HTTP endpoints on https://127.0.0.1:" + port))
          .anyMatch(line -> line.contains("Refused 401 (no token): GET /api/alerts"))
          .noneMatch(line -> line.contains(READ) || line.contains(WRITE));
      assertThat(monitor.stop(Duration.ofSeconds(15))).isIn(0, 143);
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesStopsTheMonitorWithOneLine() throws Exception {
    try (ChildJvm monitor =
        monitor("mismatched", identity.certPem(), other.keyPem(), Http.freePort())) {
      assertThat(monitor.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(monitor.output())
          .contains(
              "flume-sentinel: config error: http.tls.keyFile: the private key does not belong"
                  + " to the certificate CN=monitor in http.tls.certFile");
    }
  }
}
