package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.HttpAuthConfig.Role;
import io.flumesentinel.testing.TestCertificates;
import io.flumesentinel.testing.TestCertificates.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code http} section: TLS key material, tokens and the rate limit, as a user writes them. */
class HttpConfigTest {

  private static final String READ = "read-token-0123456789abcdef0123456789";
  private static final String WRITE = "write-token-0123456789abcdef0123456789";
  private static final Map<String, String> ENVIRONMENT =
      Map.of(
          "READ_TOKEN",
          READ,
          "WRITE_TOKEN",
          WRITE,
          "STORE_PASSWORD",
          TestCertificates.PASSWORD,
          "WRONG_PASSWORD",
          "not-the-password-4711",
          "SHORT_TOKEN",
          "abc123");

  @TempDir static Path dir;
  private static Identity identity;
  private static Path encrypted;
  private static Path legacyEncrypted;
  private static Path notPem;
  private static Path oddName;

  @BeforeAll
  static void files() throws Exception {
    identity = TestCertificates.create(dir, "monitor");
    encrypted = dir.resolve("encrypted.pem");
    Files.writeString(
        encrypted,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    legacyEncrypted = dir.resolve("legacy.pem");
    Files.writeString(
        legacyEncrypted,
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"
            + "AAAA\n-----END RSA PRIVATE KEY-----\n");
    notPem = dir.resolve("not.pem");
    Files.writeString(notPem, "hello\n");
    oddName = Files.copy(identity.keyStore(), dir.resolve("store.bin"));
  }

  private static HttpConfig parse(String http) {
    return ConfigLoader.parse("http: " + http, "monitor.yaml", ENVIRONMENT::get).http();
  }

  private static Path tokens(String text) throws Exception {
    Path file = Files.createTempFile(dir, "tokens", "");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void withoutTheNewKeysTheServerIsAsBeforeWithTheDefaultRateLimit() {
    HttpConfig http = parse("{ host: 127.0.0.1, port: 9090 }");

    assertThat(http).isEqualTo(new HttpConfig("127.0.0.1", 9090));
    assertThat(http.tls().enabled()).isFalse();
    assertThat(http.auth().enabled()).isFalse();
    assertThat(http.rateLimit()).isEqualTo(new HttpRateLimitConfig(true, 20, 60));
    assertThat(MonitorConfig.defaults().http().host()).isEqualTo("0.0.0.0");
  }

  @Test
  void theShippedFileWritesTheDefaults() {
    assertThat(ConfigLoader.load(Path.of("conf/monitor.yaml")).http())
        .isEqualTo(HttpConfig.defaults());
  }

  @Test
  void pemFilesAndKeyStoresAreRead() {
    assertThat(
            parse(
                    "{ tls: { certFile: '"
                        + identity.certPem()
                        + "', keyFile: '"
                        + identity.keyPem()
                        + "' } }")
                .tls())
        .isEqualTo(new HttpTlsConfig.Pem(identity.certPem(), identity.keyPem()));
    HttpTlsConfig store =
        parse(
                "{ tls: { keyStore: { location: '"
                    + identity.keyStore()
                    + "', passwordEnv: STORE_PASSWORD } } }")
            .tls();
    assertThat(store)
        .isEqualTo(
            new HttpTlsConfig.KeyStore(
                identity.keyStore(),
                "PKCS12",
                null,
                TestCertificates.PASSWORD,
                "environment variable STORE_PASSWORD"));
    assertThat(store.toString())
        .doesNotContain(TestCertificates.PASSWORD)
        .contains("environment variable STORE_PASSWORD");
  }

  @Test
  void tokensComeFromAFileAndTheEnvironmentAndOnlyTheirDigestsAreKept() throws Exception {
    Path file = tokens("# operators\n\nread " + READ + "x\n  write   " + WRITE + "x  \n");
    HttpAuthConfig auth =
        parse(
                "{ auth: { tokensFile: '"
                    + file
                    + "', readTokenEnv: READ_TOKEN, writeTokenEnv: WRITE_TOKEN } }")
            .auth();

    assertThat(auth.tokens())
        .containsExactly(
            new HttpAuthConfig.Token(
                Role.READ, "http.auth.tokensFile line 3", HttpAuthConfig.digest(READ + "x")),
            new HttpAuthConfig.Token(
                Role.WRITE, "http.auth.tokensFile line 4", HttpAuthConfig.digest(WRITE + "x")),
            new HttpAuthConfig.Token(
                Role.READ, "http.auth.readTokenEnv=READ_TOKEN", HttpAuthConfig.digest(READ)),
            new HttpAuthConfig.Token(
                Role.WRITE, "http.auth.writeTokenEnv=WRITE_TOKEN", HttpAuthConfig.digest(WRITE)));
    assertThat(auth.toString()).doesNotContain(READ).doesNotContain(WRITE);
    assertThat(Role.WRITE.allows(Role.READ)).isTrue();
    assertThat(Role.READ.allows(Role.WRITE)).isFalse();
  }

  @Test
  void theRateLimitIsSetOrSwitchedOff() {
    assertThat(parse("{ rateLimit: false }").rateLimit().enabled()).isFalse();
    assertThat(parse("{ rateLimit: { perSecond: 2.5, burst: 10 } }").rateLimit())
        .isEqualTo(new HttpRateLimitConfig(true, 2.5, 10));
  }

  @Test
  void theCommandLinePortKeepsTheRestOfTheSection() {
    MonitorConfig file =
        ConfigLoader.parse(
            "http: { port: 1, auth: { readTokenEnv: READ_TOKEN } }", "m.yaml", ENVIRONMENT::get);
    HttpConfig http = file.http();
    HttpConfig overridden = new ConfigOverrides(null, null, 0, null, null).applyTo(file).http();

    assertThat(overridden).isEqualTo(http.withPort(0));
    assertThat(overridden.auth().enabled()).isTrue();
  }

  @Test
  void loopbackOnlyWhenTheHostIsLocalhostOrALoopbackAddress() {
    assertThat(new HttpConfig("127.0.0.1", 0).loopbackOnly()).isTrue();
    assertThat(new HttpConfig("localhost", 0).loopbackOnly()).isTrue();
    assertThat(new HttpConfig("::1", 0).loopbackOnly()).isTrue();
    assertThat(new HttpConfig("0.0.0.0", 0).loopbackOnly()).isFalse();
    assertThat(new HttpConfig("10.1.2.3", 0).loopbackOnly()).isFalse();
    assertThat(new HttpConfig("monitor.example.com", 0).loopbackOnly()).isFalse();
  }

  static Stream<Arguments> mistakes() throws Exception {
    String cert = identity.certPem().toString();
    String key = identity.keyPem().toString();
    String store = identity.keyStore().toString();
    return Stream.of(
        Arguments.of(
            "{ tls: { certFile: '/nowhere/cert.pem', keyFile: '" + key + "' } }",
            "http.tls.certFile: file not found: '/nowhere/cert.pem'"),
        Arguments.of(
            "{ tls: { certFile: '" + cert + "' } }", "http.tls.keyFile: is required with certFile"),
        Arguments.of(
            "{ tls: { certFile: '" + key + "', keyFile: '" + key + "' } }",
            "http.tls.certFile: '"
                + key
                + "' holds no PEM certificate (-----BEGIN CERTIFICATE-----)"),
        Arguments.of(
            "{ tls: { certFile: '" + cert + "', keyFile: '" + notPem + "' } }",
            "http.tls.keyFile: '"
                + notPem
                + "' holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC"
                + " PRIVATE KEY)"),
        Arguments.of(
            "{ tls: { certFile: '" + cert + "', keyFile: '" + encrypted + "' } }",
            "http.tls.keyFile: '"
                + encrypted
                + "' holds an encrypted private key, which the server cannot read: decrypt it"
                + " ('openssl pkey') into a file only the monitor may read, or use a PKCS12 key"
                + " store"),
        Arguments.of(
            "{ tls: { certFile: '" + cert + "', keyFile: '" + legacyEncrypted + "' } }",
            "http.tls.keyFile: '"
                + legacyEncrypted
                + "' holds an encrypted private key, which the server cannot read: decrypt it"
                + " ('openssl pkey') into a file only the monitor may read, or use a PKCS12 key"
                + " store"),
        Arguments.of(
            "{ tls: { certFile: '"
                + cert
                + "', keyFile: '"
                + key
                + "', keyStore: { location: '"
                + store
                + "', passwordEnv: STORE_PASSWORD } } }",
            "http.tls.certFile: give certFile and keyFile, or keyStore, not both"),
        Arguments.of("{ tls: {} }", "http.tls: give certFile and keyFile (PEM files), or keyStore"),
        Arguments.of(
            "{ tls: { keyStore: { location: '" + store + "' } } }",
            "http.tls.keyStore.passwordEnv: is required for a PKCS12 key store: the NAME of the"
                + " environment variable holding its password (or passwordFile)"),
        Arguments.of(
            "{ tls: { keyStore: { location: '" + store + "', passwordEnv: WRONG_PASSWORD } } }",
            "http.tls.keyStore.passwordEnv: the password does not open the key store"),
        Arguments.of(
            "{ tls: { keyStore: { location: '" + store + "', passwordEnv: UNSET } } }",
            "http.tls.keyStore.passwordEnv: the environment variable UNSET is not set"),
        Arguments.of(
            "{ tls: { keyStore: { location: '" + store + "', passwordEnv: changeit } } }",
            "http.tls.keyStore.passwordEnv: no environment variable of that name is set; give the"
                + " NAME of the variable holding the secret, never the secret itself"),
        Arguments.of(
            "{ tls: { keyStore: { location: '"
                + store
                + "', passwordEnv: STORE_PASSWORD, passwordFile: x } } }",
            "http.tls.keyStore.passwordEnv: give passwordEnv or passwordFile, not both"),
        Arguments.of(
            "{ tls: { keyStore: { location: '"
                + store
                + "', passwordEnv: STORE_PASSWORD, alias: other } } }",
            "http.tls.keyStore.alias: the key store holds no key named 'other'; it holds"
                + " [monitor]"),
        Arguments.of(
            "{ tls: { keyStore: { location: '"
                + store
                + "', passwordEnv: STORE_PASSWORD, type: PEMS } } }",
            "http.tls.keyStore.type: must be PKCS12, JKS or PEM, got 'PEMS'"),
        Arguments.of(
            "{ tls: { keyStore: { location: '" + cert + "', passwordEnv: STORE_PASSWORD } } }",
            "http.tls.keyStore.passwordEnv: a PEM key store takes no password: its private key is"
                + " not encrypted"),
        Arguments.of(
            "{ tls: { keyStore: { location: '" + cert + "' } } }",
            "http.tls.keyStore.location: '"
                + cert
                + "' holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC"
                + " PRIVATE KEY)"),
        Arguments.of(
            "{ tls: { keyStore: { location: '"
                + cert
                + "', type: PKCS12, passwordEnv: STORE_PASSWORD } } }",
            null),
        Arguments.of(
            "{ tls: { keyStore: { location: '" + oddName + "' } } }",
            "http.tls.keyStore.type: is required: the file name 'store.bin' does not say PKCS12"
                + " (.p12), JKS (.jks) or PEM (.pem)"),
        Arguments.of(
            "{ auth: { readTokenEnv: SHORT_TOKEN } }",
            "http.auth.readTokenEnv: the environment variable SHORT_TOKEN: a token must be 32 to"
                + " 4096 letters, digits and -._~+/ (make one with 'openssl rand -hex 32')"),
        Arguments.of(
            "{ auth: { readTokenEnv: READ_TOKEN, writeTokenEnv: READ_TOKEN } }",
            "http.auth.writeTokenEnv: the environment variable READ_TOKEN: the same token is given"
                + " in the environment variable READ_TOKEN; give each token once"),
        Arguments.of(
            "{ auth: { tokensFile: '/nowhere/tokens' } }",
            "http.auth.tokensFile: file not found: '/nowhere/tokens'"),
        Arguments.of(
            "{ rateLimit: { burst: 0 } }",
            "http.rateLimit.burst: must be between 1 and" + " 1000000, got 0"),
        Arguments.of(
            "{ rateLimit: { perSecond: 0 } }",
            "http.rateLimit.perSecond: must be between" + " 0.01 and 100000, got 0.0"),
        Arguments.of("{ tls: { certfile: x } }", null));
  }

  @ParameterizedTest
  @MethodSource("mistakes")
  void aMistakeIsOneLineNamingTheKeyWithoutTheSecret(String http, String message) {
    assertThatThrownBy(() -> parse(http))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              if (message != null) {
                assertThat(e).hasMessage(message);
              }
              assertThat(e.getMessage())
                  .startsWith("http.")
                  .doesNotContain("\n")
                  .doesNotContain(TestCertificates.PASSWORD)
                  .doesNotContain("not-the-password-4711")
                  .doesNotContain(READ)
                  .doesNotContain("abc123");
            });
  }

  @Test
  void aTokensFileLineIsNamedButNeverShown() throws Exception {
    String secret = "ops-token-0123456789abcdef0123456789";
    assertThatThrownBy(() -> parse("{ auth: { tokensFile: '" + tokens("admin " + secret) + "' } }"))
        .hasMessage(
            "http.auth.tokensFile: line 1: unknown role 'admin'; the roles are read and write");
    assertThatThrownBy(
            () -> parse("{ auth: { tokensFile: '" + tokens("read " + secret + " extra") + "' } }"))
        .hasMessage("http.auth.tokensFile: line 1: must be a role and a token, like 'read TOKEN'")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(() -> parse("{ auth: { tokensFile: '" + tokens("read short") + "' } }"))
        .hasMessageStartingWith("http.auth.tokensFile: line 1: a token must be 32 to 4096")
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> parse("{ auth: { tokensFile: '" + tokens("# none yet\n") + "' } }"))
        .hasMessageStartingWith("http.auth.tokensFile: configures no token");
  }
}
