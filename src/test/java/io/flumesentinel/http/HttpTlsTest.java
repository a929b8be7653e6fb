package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.ConfigException;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.testing.TestCertificates;
import io.flumesentinel.testing.TestCertificates.Identity;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor's HTTP server speaking TLS, from PEM files and from a PKCS#12 key store made by
 * keytool: a client trusting the certificate gets its answers, a plain HTTP client and one trusting
 * another certificate get none, and key material the server cannot use fails its start naming the
 * key.
 */
class HttpTlsTest {

  private static final String TOKEN = "tls-read-token-0123456789abcdef0123";

  @TempDir static Path dir;
  private static Identity monitor;
  private static Identity stranger;

  private final Vertx vertx = Vertx.vertx();

  @BeforeAll
  static void certificates() throws Exception {
    monitor = TestCertificates.create(dir, "monitor");
    stranger = TestCertificates.create(dir, "stranger");
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private HttpConfig config(String tls, Map<String, String> environment) {
    return ConfigLoader.parse(
            "http:\n  host: 127.0.0.1\n  port: 0\n  tls: "
                + tls
                + "\n  auth: { readTokenEnv: READ_TOKEN }\n",
            "monitor.yaml",
            name -> name.equals("READ_TOKEN") ? TOKEN : environment.get(name))
        .http();
  }

  private int deploy(HttpConfig config) throws Exception {
    HttpServerVerticle server =
        new HttpServerVerticle(
            config, new Readiness(), () -> new JsonObject().put("ok", true), (r, c) -> {});
    vertx.deployVerticle(server).await(20, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private HttpCalls trusting(Identity identity, int port) {
    return new HttpCalls(
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(identity.certPem().toString()))),
        port);
  }

  @Test
  void pemFilesServeTlsToAClientTrustingTheCertificate() throws Exception {
    int port =
        deploy(
            config(
                "{ certFile: '" + monitor.certPem() + "', keyFile: '" + monitor.keyPem() + "' }",
                Map.of()));
    HttpCalls https = trusting(monitor, port);

    HttpCalls.Answer status = https.get("/status", TOKEN);
    assertThat(status.status()).isEqualTo(200);
    assertThat(new JsonObject(status.body())).isEqualTo(new JsonObject().put("ok", true));
    assertThat(status.header("strict-transport-security")).isEqualTo("max-age=31536000");
    assertThat(https.get("/status", null).status()).isEqualTo(401);
    assertThat(https.get("/health/live", null).status()).isEqualTo(200);
  }

  @Test
  void aKeyStoreServesTlsWithItsPasswordFromTheEnvironment() throws Exception {
    int port =
        deploy(
            config(
                "{ keyStore: { location: '"
                    + monitor.keyStore()
                    + "', passwordEnv: STORE_PASSWORD } }",
                Map.of("STORE_PASSWORD", TestCertificates.PASSWORD)));

    assertThat(trusting(monitor, port).get("/status", TOKEN).status()).isEqualTo(200);
  }

  @Test
  void aKeyStoreServesTlsWithItsPasswordFromAFile() throws Exception {
    Path password = dir.resolve("store-password");
    Files.writeString(password, TestCertificates.PASSWORD + "\n");
    int port =
        deploy(
            config(
                "{ keyStore: { location: '"
                    + monitor.keyStore()
                    + "', type: pkcs12, alias: monitor, passwordFile: '"
                    + password
                    + "' } }",
                Map.of()));

    assertThat(trusting(monitor, port).get("/health/live", null).status()).isEqualTo(200);
  }

  @Test
  void aJksKeyStoreIsKnownByItsName() throws Exception {
    Path jks = dir.resolve("monitor.jks");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-importkeystore",
                "-noprompt",
                "-srckeystore",
                monitor.keyStore().toString(),
                "-srcstoretype",
                "PKCS12",
                "-srcstorepass",
                TestCertificates.PASSWORD,
                "-destkeystore",
                jks.toString(),
                "-deststoretype",
                "JKS",
                "-deststorepass",
                TestCertificates.PASSWORD)
            .redirectErrorStream(true)
            .start();
    keytool.getInputStream().readAllBytes();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).isTrue();

    HttpConfig config =
        config(
            "{ keyStore: { location: '" + jks + "', passwordEnv: STORE_PASSWORD } }",
            Map.of("STORE_PASSWORD", TestCertificates.PASSWORD));

    assertThat(((io.flumesentinel.config.HttpTlsConfig.KeyStore) config.tls()).type())
        .isEqualTo("JKS");
    assertThat(trusting(monitor, deploy(config)).get("/status", TOKEN).status()).isEqualTo(200);
  }

  @Test
  void aPemKeyStoreIsOneFileWithTheKeyAndItsCertificate() throws Exception {
    Path both = dir.resolve("monitor-both.pem");
    Files.writeString(
        both, Files.readString(monitor.keyPem()) + Files.readString(monitor.certPem()));

    int port = deploy(config("{ keyStore: { location: '" + both + "' } }", Map.of()));

    assertThat(trusting(monitor, port).get("/status", TOKEN).status()).isEqualTo(200);
  }

  @Test
  void plainHttpAndClientsTrustingAnotherCertificateGetNoAnswer() throws Exception {
    int port =
        deploy(
            config(
                "{ certFile: '" + monitor.certPem() + "', keyFile: '" + monitor.keyPem() + "' }",
                Map.of()));

    HttpCalls plain = new HttpCalls(vertx.createHttpClient(), port);
    assertThatThrownBy(() -> plain.get("/health/live", null))
        .isInstanceOf(HttpClosedException.class);
    assertThatThrownBy(() -> trusting(stranger, port).get("/health/live", null))
        .hasStackTraceContaining("PKIX");
  }

  @Test
  void aPortInUseIsNotMistakenForATlsProblem() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      HttpConfig config =
          config(
                  "{ certFile: '" + monitor.certPem() + "', keyFile: '" + monitor.keyPem() + "' }",
                  Map.of())
              .withPort(taken.getLocalPort());

      // The port's key, not the TLS files', is what to change.
      assertThatThrownBy(() -> deploy(config))
          .isInstanceOfSatisfying(
              ConfigException.class, e -> assertThat(e.key()).isEqualTo("http.port"))
          .hasMessageContaining("already in use", "--http-port");
    }
  }

  @Test
  void aKeyOfAnotherCertificateFailsTheStartNamingTheKey() {
    HttpConfig mismatched =
        config(
            "{ certFile: '" + monitor.certPem() + "', keyFile: '" + stranger.keyPem() + "' }",
            Map.of());

    assertThatThrownBy(() -> deploy(mismatched))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "http.tls.keyFile: the private key does not belong to the certificate CN=monitor in"
                + " http.tls.certFile");
  }

  @Test
  void aKeyFileThatCannotBeParsedFailsTheStartNamingTheKey() throws Exception {
    Path broken = dir.resolve("broken-key.pem");
    Files.writeString(
        broken,
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n");
    HttpConfig config =
        config("{ certFile: '" + monitor.certPem() + "', keyFile: '" + broken + "' }", Map.of());

    assertThatThrownBy(() -> deploy(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("http.tls.keyFile: cannot be used for TLS: ")
        .hasMessageNotContaining("\n");
  }
}
