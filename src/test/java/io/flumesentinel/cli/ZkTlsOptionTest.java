package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.FlumeSentinel;
import io.flumesentinel.config.ConfigException;
import io.flumesentinel.config.ZkTlsConfig;
import io.flumesentinel.supervisor.SupervisorConfig;
import io.flumesentinel.testing.TestCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** TLS to ZooKeeper for the commands: the supervisor's file and {@code --zk-tls-config}. */
class ZkTlsOptionTest {

  @TempDir static Path dir;
  private static TestCertificates.Identity ca;

  @BeforeAll
  static void certificates() throws Exception {
    ca = TestCertificates.create(dir, "ca");
  }

  @Test
  void theSupervisorFileGivesEveryAgentTheTlsOfItsZooKeeperSection() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("supervisor.yaml"),
            String.join(
                "\n",
                "zookeeper:",
                "  connect: zk1:2281",
                "  tls: { trustStore: { location: \"" + ca.certPem() + "\" } }",
                "agents:",
                "  - { id: a1, command: [ sleep, \"600\" ] }",
                "  - { id: a2, command: [ sleep, \"600\" ] }",
                ""));

    List<SupervisorConfig> agents = SupervisorYaml.load(file);

    assertThat(agents)
        .extracting(a -> a.zkTls().trustStore().type())
        .containsExactly(ZkTlsConfig.StoreType.PEM, ZkTlsConfig.StoreType.PEM);
  }

  @Test
  void aProblemInTheSupervisorFilesTlsNamesItsKey() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("bad-supervisor.yaml"),
            String.join(
                "\n",
                "zookeeper:",
                "  connect: zk1:2281",
                "  tls: { trustStore: { location: /nowhere/ca.pem } }",
                "agents:",
                "  - { id: a1, command: [ sleep, \"600\" ] }",
                ""));

    assertThatThrownBy(() -> SupervisorYaml.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage("zookeeper.tls.trustStore.location: /nowhere/ca.pem does not exist");
  }

  @Test
  void aBrokenTlsFileIsOneLineOnStderrAndExitCode2BeforeAnyConnection() throws Exception {
    Path tls =
        Files.writeString(
            dir.resolve("zk-tls.yaml"),
            "trustStore: { location: \"" + ca.keyStore() + "\", passwordEnv: ZK_TLS_UNSET_42 }\n");
    StringWriter err = new StringWriter();
    CommandLine commandLine = FlumeSentinel.commandLine(config -> {});
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));

    int status =
        commandLine.execute(
            "deregister",
            "--zk",
            "127.0.0.1:1",
            "--agent",
            "a1",
            "--zk-tls-config",
            tls.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "flume-sentinel: config error: "
                + tls
                + ": trustStore.passwordEnv: the environment variable ZK_TLS_UNSET_42 is not set"
                + System.lineSeparator());
  }
}
