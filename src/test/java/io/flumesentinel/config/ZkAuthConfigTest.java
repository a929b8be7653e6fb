package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code zookeeper.auth} and {@code zookeeper.acl}: what a valid file gives, and one line naming
 * the key for each mistake, never with a password in it.
 */
class ZkAuthConfigTest {

  private static final String HASH = "NRI2hFRm2a9BnUHMGw7pUcKcSwc=";
  private static final String ACL =
      "  acl: { monitors: [ 'sasl:monitor' ], agents: [ 'sasl:agent' ], operators: [ 'sasl:ops' ] }\n";

  @TempDir Path dir;

  @Test
  void withoutAuthOrAclNothingChanges() {
    MonitorConfig config = ConfigLoader.parse("zookeeper: { connect: 'zk:2181' }", "m.yaml");
    assertThat(config.zookeeper().access()).isEqualTo(ZkAccess.none());
  }

  @Test
  void digestFromAFileAndRolesAreRead() throws Exception {
    Path password = write("zk-password", "s3cret-value\n");
    MonitorConfig config =
        ConfigLoader.parse(
            "zookeeper:\n  connect: 'zk:2181'\n  auth: { digest: { user: monitor, passwordFile: "
                + password
                + " } }\n  acl:\n    monitors: [ 'sasl:monitor', 'digest:monitor:"
                + HASH
                + "' ]\n    agents: [ 'sasl:agent' ]\n    operators: [ 'x509:CN=ops' ]\n",
            "m.yaml");
    ZkAccess access = config.zookeeper().access();
    assertThat(new String(access.digest().credentials(), StandardCharsets.UTF_8))
        .isEqualTo("monitor:s3cret-value");
    assertThat(access.digest().toString()).doesNotContain("s3cret");
    assertThat(access.toString()).doesNotContain("s3cret");
    assertThat(access.acl().monitors())
        .containsExactly(new Id("sasl", "monitor"), new Id("digest", "monitor:" + HASH));
    assertThat(access.acl().operators()).containsExactly(new Id("x509", "CN=ops"));
  }

  @Test
  void digestFromTheEnvironment() {
    ZkAccess access =
        ConfigLoader.parseZkAccess(
            "auth: { digest: { user: ops, passwordEnv: ZK_OPS_PASSWORD } }",
            "ops.yaml",
            Map.of("ZK_OPS_PASSWORD", "from-env")::get);
    assertThat(new String(access.digest().credentials(), StandardCharsets.UTF_8))
        .isEqualTo("ops:from-env");
    assertThat(access.acl()).isNull();
  }

  @Test
  void saslNamesASectionOfTheJaasFile() throws Exception {
    Path jaas =
        write(
            "jaas.conf",
            "Monitor { org.apache.zookeeper.server.auth.DigestLoginModule required"
                + " username=\"monitor\" password=\"jaas-secret\"; };\n");
    assertThat(System.getProperty(ZkAccess.JAAS_PROPERTY)).isNull();
    ZkAccess access =
        ConfigLoader.parseZkAccess(
            "auth: { sasl: { loginContext: Monitor, jaasFile: " + jaas + " } }",
            "m.yaml",
            Map.<String, String>of()::get);
    assertThat(access.sasl()).isEqualTo(new ZkAccess.Sasl("Monitor", jaas, null));
    // Checking the file leaves the JVM's JAAS configuration alone.
    assertThat(System.getProperty(ZkAccess.JAAS_PROPERTY)).isNull();

    assertThatThrownBy(
            () ->
                ConfigLoader.parseZkAccess(
                    "auth: { sasl: { loginContext: Agent, jaasFile: " + jaas + " } }",
                    "a.yaml",
                    Map.<String, String>of()::get))
        .hasMessage("auth.sasl.loginContext: the JAAS file " + jaas + " has no section Agent");
  }

  @Test
  void theSupervisorAndCommandFileIsReadLikeTheMonitorsSection() throws Exception {
    Path file =
        write("zk-auth.yaml", "auth: { digest: { user: a, passwordEnv: P } }\n" + ACL.strip());
    assertThatThrownBy(() -> ConfigLoader.loadZkAccess(file))
        .hasMessage("auth.digest.passwordEnv: the environment variable P is not set");
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("auth: {}", "zookeeper.auth: give sasl, digest or both"),
        Arguments.of(
            "auth: { sasl: { jaasFile: /nowhere } }",
            "zookeeper.auth.sasl.loginContext: is required: the JAAS section this client logs in"
                + " with"),
        Arguments.of(
            "auth: { sasl: { loginContext: Monitor, jaasFile: /no/such/jaas.conf } }",
            "zookeeper.auth.sasl.jaasFile: no such file: /no/such/jaas.conf"),
        Arguments.of(
            "auth: { sasl: { loginContext: 'Mon itor' } }",
            "zookeeper.auth.sasl.loginContext: must be the name of a JAAS section"
                + " ([A-Za-z0-9_.-]+), got 'Mon itor'"),
        Arguments.of(
            "auth: { digest: { user: monitor } }",
            "zookeeper.auth.digest.passwordFile: give one of passwordFile and passwordEnv"),
        Arguments.of(
            "auth: { digest: { user: 'mon:itor', passwordEnv: P } }",
            "zookeeper.auth.digest.user: must be a user name without ':' or blanks"),
        Arguments.of(
            "auth: { digest: { user: monitor, passwordEnv: 'hunter2!' } }",
            "zookeeper.auth.digest.passwordEnv: must be the name of an environment variable (like"
                + " ROBOT_SECRET), not the secret itself"),
        Arguments.of(
            "auth: { digest: { user: monitor, password: hunter2 } }",
            "zookeeper.auth.digest.password: unknown key (did you mean 'passwordEnv'?)"),
        Arguments.of(
            "acl: { monitors: [ 'sasl:m' ], agents: [ 'sasl:a' ] }",
            "zookeeper.acl.operators: must list at least one id, like \"sasl:operator\""),
        Arguments.of(
            "acl: { monitors: [ 'monitor' ], agents: [ 'sasl:a' ], operators: [ 'sasl:o' ] }",
            "zookeeper.acl.monitors[0]: must be scheme:id, like sasl:monitor or"
                + " digest:monitor:HASH"),
        Arguments.of(
            "acl: { monitors: [ 'world:anyone' ], agents: [ 'sasl:a' ], operators: [ 'sasl:o' ] }",
            "zookeeper.acl.monitors[0]: the world scheme does not name one identity; give sasl:,"
                + " digest:, x509: or ip: ids"),
        Arguments.of(
            "acl: { monitors: [ 'sasl:m' ], agents: [ 'digest:agent:hunter2' ], operators: ["
                + " 'sasl:o' ] }",
            "zookeeper.acl.agents[0]: must be digest:USER:HASH, HASH being the base64 SHA-1 of"
                + " USER:PASSWORD (ZooKeeper's DigestAuthenticationProvider.generateDigest), never"
                + " the password"),
        Arguments.of("acl: [ 'sasl:m' ]", "zookeeper.acl: must be a mapping of keys, got a list"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void eachMistakeNamesItsKey(String section, String message) {
    String yaml = "zookeeper:\n  connect: 'zk:2181'\n  " + section + "\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "m.yaml", Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message)
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void anEmptyPasswordFileIsRefusedWithoutShowingTheFile() throws Exception {
    Path empty = write("empty", "\n");
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "zookeeper: { auth: { digest: { user: m, passwordFile: " + empty + " } } }",
                    "m.yaml"))
        .hasMessage("zookeeper.auth.digest.passwordFile: " + empty + " is empty");
    Path twoLines = write("two", "first-secret\nsecond\n");
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "zookeeper: { auth: { digest: { user: m, passwordFile: " + twoLines + " } } }",
                    "m.yaml"))
        .hasMessage(
            "zookeeper.auth.digest.passwordFile: "
                + twoLines
                + " must hold the password alone, on one line")
        .message()
        .doesNotContain("first-secret");
  }

  @Test
  void theRootOverrideKeepsTheAccess() throws Exception {
    MonitorConfig config = ConfigLoader.parse("zookeeper:\n  connect: 'zk:2181'\n" + ACL, "m.yaml");
    MonitorConfig overridden =
        new ConfigOverrides(null, "/other", null, List.of(), null).applyTo(config);
    assertThat(overridden.zookeeper().root()).isEqualTo("/other");
    assertThat(overridden.zookeeper().access()).isEqualTo(config.zookeeper().access());
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}
