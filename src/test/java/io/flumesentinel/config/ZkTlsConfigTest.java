package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.testing.TestCertificates;
import io.flumesentinel.zk.ZkClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code zookeeper.tls}: stores loaded at start-up, problems named by key in one line without the
 * password, and the ZooKeeper client properties they become.
 */
class ZkTlsConfigTest {

  private static final String WRONG = "not-the-password-42";

  @TempDir static Path dir;
  private static TestCertificates.Identity client;
  private static Path trust;
  private static Path passwordFile;
  private static Path keyPem;

  @BeforeAll
  static void certificates() throws Exception {
    client = TestCertificates.create(dir, "client");
    TestCertificates.Identity server = TestCertificates.create(dir, "server");
    trust = TestCertificates.trustStore(dir.resolve("trust.p12"), server);
    passwordFile = Files.writeString(dir.resolve("password"), TestCertificates.PASSWORD + "\n");
    keyPem =
        Files.writeString(
            dir.resolve("client.pem"),
            Files.readString(client.keyPem()) + Files.readString(client.certPem()));
  }

  private static final Map<String, String> ENV =
      Map.of("ZK_KEY_PASSWORD", TestCertificates.PASSWORD, "ZK_WRONG", WRONG);

  private static MonitorConfig parse(String tls) {
    return ConfigLoader.parse(
        "zookeeper:\n  connect: zk1:2281\n  tls:\n" + tls.indent(4), "monitor.yaml", ENV::get);
  }

  @Test
  void storesFromAnEnvironmentVariableAndAFileBecomeTheClientsTlsSettings() {
    ZkTlsConfig tls =
        parse(
                String.join(
                    "\n",
                    "keyStore: { location: \""
                        + client.keyStore()
                        + "\", passwordEnv: ZK_KEY_PASSWORD }",
                    "trustStore: { location: \""
                        + trust
                        + "\", passwordFile: \""
                        + passwordFile
                        + "\" }"))
            .zookeeper()
            .tls();

    assertThat(tls.keyStore().type()).isEqualTo(ZkTlsConfig.StoreType.PKCS12);
    assertThat(tls.trustStore().password()).isEqualTo(TestCertificates.PASSWORD);
    assertThat(tls.hostnameVerification()).isTrue();
    assertThat(tls.toString())
        .doesNotContain(TestCertificates.PASSWORD)
        .contains("environment variable ZK_KEY_PASSWORD");

    ZKClientConfig properties = ZkClients.clientConfig(tls);
    assertThat(properties.getProperty("zookeeper.client.secure")).isEqualTo("true");
    assertThat(properties.getProperty("zookeeper.clientCnxnSocket"))
        .isEqualTo("org.apache.zookeeper.ClientCnxnSocketNetty");
    assertThat(properties.getProperty("zookeeper.ssl.keyStore.location"))
        .isEqualTo(client.keyStore().toString());
    assertThat(properties.getProperty("zookeeper.ssl.keyStore.type")).isEqualTo("PKCS12");
    assertThat(properties.getProperty("zookeeper.ssl.trustStore.location"))
        .isEqualTo(trust.toString());
    assertThat(properties.getProperty("zookeeper.ssl.hostnameVerification")).isEqualTo("true");
    assertThat(properties.getProperty("jute.maxbuffer"))
        .isEqualTo(Integer.toString(ZkClients.MAX_REPLY_BYTES));
  }

  @Test
  void pemStoresNeedNoPasswordAndTheirTypeComesFromTheFileName() {
    ZkTlsConfig tls =
        parse(
                String.join(
                    "\n",
                    "keyStore: { location: \"" + keyPem + "\" }",
                    "trustStore: { location: \"" + client.certPem() + "\" }",
                    "hostnameVerification: false"))
            .zookeeper()
            .tls();

    assertThat(tls.keyStore().type()).isEqualTo(ZkTlsConfig.StoreType.PEM);
    assertThat(tls.keyStore().password()).isNull();
    assertThat(tls.hostnameVerification()).isFalse();
    assertThat(ZkClients.clientConfig(tls).getProperty("zookeeper.ssl.hostnameVerification"))
        .isEqualTo("false");
  }

  @Test
  void withoutTlsTheClientIsPlain() {
    assertThat(ConfigLoader.parse("zookeeper: { connect: zk1:2181 }", "m.yaml").zookeeper().tls())
        .isNull();
    assertThat(ZkClients.clientConfig(null).getProperty("zookeeper.client.secure")).isNull();
  }

  /** The {@code tls} section → the one line of its problem. */
  static Stream<Arguments> problems() {
    return Stream.of(
        Arguments.of(
            "keyStore: { location: \"" + client.keyStore() + "\", passwordEnv: ZK_WRONG }",
            "zookeeper.tls.keyStore: "
                + client.keyStore()
                + " cannot be loaded as PKCS12: wrong password (the one from the environment"
                + " variable ZK_WRONG)"),
        Arguments.of(
            "keyStore: { location: \"" + client.keyStore() + "\" }",
            "zookeeper.tls.keyStore: "
                + client.keyStore()
                + " cannot be loaded as PKCS12: it needs a password (passwordEnv or passwordFile)"),
        Arguments.of(
            "trustStore: { location: \"" + dir.resolve("nowhere.p12") + "\" }",
            "zookeeper.tls.trustStore.location: " + dir.resolve("nowhere.p12") + " does not exist"),
        Arguments.of(
            "trustStore: { location: \"" + trust + "\", passwordEnv: ZK_UNSET }",
            "zookeeper.tls.trustStore.passwordEnv: the environment variable ZK_UNSET is not set"),
        Arguments.of(
            "trustStore: { location: \"" + trust + "\", passwordEnv: " + WRONG + " }",
            "zookeeper.tls.trustStore.passwordEnv: must be the name of an environment variable"
                + " (like ROBOT_SECRET), not the secret itself"),
        Arguments.of(
            "trustStore: { location: \""
                + trust
                + "\", passwordEnv: ZK_KEY_PASSWORD, passwordFile: \""
                + passwordFile
                + "\" }",
            "zookeeper.tls.trustStore.passwordEnv: give passwordEnv or passwordFile, not both"),
        Arguments.of(
            "trustStore: { location: \"" + passwordFile + "\" }",
            "zookeeper.tls.trustStore.type: is required: the file name 'password' does not say"
                + " PKCS12 (.p12), JKS (.jks) or PEM (.pem)"),
        Arguments.of(
            "trustStore: { location: \"" + trust + "\", type: PKCS11 }",
            "zookeeper.tls.trustStore.type: must be PKCS12, JKS or PEM, got 'PKCS11'"),
        Arguments.of(
            "keystore: { location: x.p12 }",
            "zookeeper.tls.keystore: unknown key (did you mean 'keyStore'?)"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("problems")
  void aProblemIsOneLineNamingTheKeyWithoutThePassword(String tls, String message) {
    assertThatThrownBy(() -> parse(tls))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message)
        .hasMessageNotContaining(TestCertificates.PASSWORD)
        .hasMessageNotContaining(WRONG);
  }

  @Test
  void aTlsFileForTheCommandsNamesItselfInItsProblems() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("zk-tls.yaml"),
            "trustStore: { location: \""
                + trust
                + "\", passwordFile: \""
                + passwordFile
                + "\" }\n");
    assertThat(ConfigLoader.loadZkTls(file).trustStore().location()).isEqualTo(trust);

    Path broken = Files.writeString(dir.resolve("broken.yaml"), "trustStore: { locaton: x }\n");
    assertThatThrownBy(() -> ConfigLoader.loadZkTls(broken))
        .isInstanceOf(ConfigException.class)
        .hasMessage(broken + ": trustStore.locaton: unknown key (did you mean 'location'?)");
  }
}
