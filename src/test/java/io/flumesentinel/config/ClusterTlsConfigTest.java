package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.testing.TestCertificates;
import io.flumesentinel.testing.TestCertificates.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.tls} files and passwords, read when the monitor starts: what they must hold, and
 * one line naming the key when they do not, with no password in it.
 */
class ClusterTlsConfigTest {

  @TempDir static Path dir;

  private static Identity member;
  private static Identity other;
  private static Path trustStore;
  private static Path passwordFile;

  private static final String SECRET = TestCertificates.PASSWORD;
  private static final Function<String, String> ENVIRONMENT =
      Map.of("CLUSTER_TLS_PASSWORD", SECRET, "WRONG_PASSWORD", "not-" + SECRET)::get;

  @BeforeAll
  static void certificates() throws Exception {
    member = TestCertificates.create(dir, "member");
    other = TestCertificates.create(dir, "other");
    trustStore = TestCertificates.trustStore(dir.resolve("trust.p12"), member);
    passwordFile = Files.writeString(dir.resolve("password"), SECRET + "\r\n");
  }

  @Test
  void aKeyStoreAndATrustStoreAreReadAsTheyAre() throws Exception {
    ClusterTlsConfig.Loaded loaded =
        stores(member.keyStore(), "CLUSTER_TLS_PASSWORD", null, passwordFile).load(ENVIRONMENT);

    assertThat(loaded.identity().format()).isEqualTo(ZkTlsConfig.StoreType.PKCS12);
    assertThat(loaded.identity().data()).isEqualTo(Files.readAllBytes(member.keyStore()));
    assertThat(loaded.identity().password()).isEqualTo(SECRET);
    // The password file's line break is not part of the password.
    assertThat(loaded.trust().password()).isEqualTo(SECRET);
    assertThat(loaded.identity().toString()).doesNotContain(SECRET);
  }

  @Test
  void pemFilesAreReadAndTheKeyMustBeTheCertificates() throws Exception {
    Path trust = Files.writeString(dir.resolve("trust.pem"), Files.readString(member.certPem()));
    ClusterTlsConfig.Loaded loaded =
        pem(member.certPem(), member.keyPem(), trust).load(ENVIRONMENT);
    assertThat(loaded.identity().format()).isEqualTo(ZkTlsConfig.StoreType.PEM);
    assertThat(loaded.identity().pemKey()).isEqualTo(Files.readAllBytes(member.keyPem()));
    assertThat(loaded.trust().data()).isEqualTo(Files.readAllBytes(trust));
    // One file with the key and the certificate, as zookeeper.tls takes a PEM key store.
    Path combined =
        Files.writeString(
            dir.resolve("combined.pem"),
            Files.readString(member.keyPem()) + Files.readString(member.certPem()));
    assertThat(pem(combined, null, trust).load(ENVIRONMENT).identity().pemKey())
        .isEqualTo(Files.readAllBytes(combined));

    assertThat(error(pem(member.certPem(), other.keyPem(), trust)))
        .isEqualTo(
            "cluster.tls.keyStore.keyLocation: is not the private key of the certificate in"
                + " keyStore.location");
    assertThat(error(pem(member.certPem(), null, trust)))
        .isEqualTo(
            "cluster.tls.keyStore.location: holds no PEM private key (BEGIN PRIVATE KEY or BEGIN"
                + " RSA PRIVATE KEY); give it in keyLocation");
    assertThat(error(pem(member.keyPem(), null, trust)))
        .isEqualTo("cluster.tls.keyStore.location: holds no PEM certificate (BEGIN CERTIFICATE)");
    assertThat(error(pem(member.certPem(), member.keyPem(), passwordFile)))
        .startsWith("cluster.tls.trustStore.location: holds no PEM certificate");
    Path encrypted =
        Files.writeString(
            dir.resolve("encrypted.pem"),
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThat(error(pem(member.certPem(), encrypted, trust)))
        .startsWith("cluster.tls.keyStore.keyLocation: encrypted keys are not supported");
  }

  @Test
  void problemsNameTheKeyAndNeverThePassword() throws Exception {
    assertThat(error(stores(member.keyStore(), "WRONG_PASSWORD", null, passwordFile)))
        .isEqualTo("cluster.tls.keyStore.location: the password does not open it");
    assertThat(error(stores(member.keyStore(), "UNSET_PASSWORD", null, passwordFile)))
        .isEqualTo(
            "cluster.tls.keyStore.passwordEnv: the environment variable UNSET_PASSWORD is not"
                + " set");
    Path missing = dir.resolve("absent.p12");
    assertThat(error(stores(missing, "CLUSTER_TLS_PASSWORD", null, passwordFile)))
        .isEqualTo("cluster.tls.keyStore.location: '" + missing + "' not found");
    assertThat(error(stores(member.keyStore(), null, dir.resolve("absent"), passwordFile)))
        .startsWith("cluster.tls.keyStore.passwordFile: ");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThat(error(stores(member.keyStore(), null, empty, passwordFile)))
        .isEqualTo("cluster.tls.keyStore.passwordFile: the file is empty");
    // A PEM file where a PKCS#12 store belongs, and a trust store opened with the wrong password.
    assertThat(error(stores(member.certPem(), "CLUSTER_TLS_PASSWORD", null, passwordFile)))
        .isEqualTo("cluster.tls.keyStore.location: is not a PKCS12 store");
    Path wrong = Files.writeString(dir.resolve("wrong"), "not-" + SECRET);
    assertThat(error(stores(member.keyStore(), "CLUSTER_TLS_PASSWORD", null, wrong)))
        .isEqualTo("cluster.tls.trustStore.location: the password does not open it");
    // A trust store holds certificates, not necessarily keys; a key store must hold a key.
    assertThat(error(stores(trustStore, "CLUSTER_TLS_PASSWORD", null, passwordFile)))
        .isEqualTo("cluster.tls.keyStore.location: holds no private key");
  }

  private static ClusterTlsConfig stores(
      Path keyStore, String passwordEnv, Path passwordFileOfKeyStore, Path trustPasswordFile) {
    return new ClusterTlsConfig(
        new ClusterTlsConfig.Store(
            keyStore, ZkTlsConfig.StoreType.PKCS12, passwordEnv, passwordFileOfKeyStore, null),
        new ClusterTlsConfig.Store(
            trustStore, ZkTlsConfig.StoreType.PKCS12, null, trustPasswordFile, null));
  }

  private static ClusterTlsConfig pem(Path cert, Path key, Path trust) {
    return new ClusterTlsConfig(
        new ClusterTlsConfig.Store(cert, ZkTlsConfig.StoreType.PEM, null, null, key),
        new ClusterTlsConfig.Store(trust, ZkTlsConfig.StoreType.PEM, null, null, null));
  }

  private static String error(ClusterTlsConfig tls) {
    try {
      tls.load(ENVIRONMENT);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("\n");
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + tls);
  }
}
