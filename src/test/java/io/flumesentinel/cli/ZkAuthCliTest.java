package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.FlumeSentinel;
import io.flumesentinel.config.ConfigException;
import io.flumesentinel.supervisor.SupervisorConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How every command is given its ZooKeeper identity and ACLs: {@code --zk-auth FILE}, and {@code
 * zookeeper.auth}/{@code zookeeper.acl} in the supervisor's file; mistakes are one line naming the
 * option or key, exit status 2, and nothing is connected.
 */
class ZkAuthCliTest {

  private static final String ACL =
      "acl: { monitors: [ 'sasl:monitor' ], agents: [ 'sasl:agent' ], operators: [ 'sasl:ops' ] }";

  @TempDir Path dir;
  private final List<SupervisorConfig> launched = new ArrayList<>();
  private final StringWriter err = new StringWriter();

  @Test
  void superviseTakesTheIdentityFromTheFileItNames() throws Exception {
    Path file = accessFile();
    int status =
        run(
            "supervise",
            "--zk",
            "zk:2181",
            "--zk-auth",
            file.toString(),
            "--agent",
            "a1",
            "--",
            "sleep",
            "1");
    assertThat(status).as("stderr: %s", err).isZero();
    SupervisorConfig config = launched.get(0);
    assertThat(new String(config.access().digest().credentials(), StandardCharsets.UTF_8))
        .isEqualTo("agent:agent-password");
    assertThat(config.access().acl().agents()).containsExactly(new Id("sasl", "agent"));
  }

  @Test
  void theSupervisorFileTakesAuthAndAclUnderZookeeper() throws Exception {
    Path password = Files.writeString(dir.resolve("pw"), "agent-password\n");
    Path file =
        Files.writeString(
            dir.resolve("supervisor.yaml"),
            "zookeeper:\n  connect: zk:2181\n  auth: { digest: { user: agent, passwordFile: "
                + password
                + " } }\n  "
                + ACL
                + "\nagents:\n  - { id: a1, command: [ sleep, '1' ] }\n"
                + "  - { id: a2, command: [ sleep, '1' ] }\n");
    List<SupervisorConfig> configs = SupervisorYaml.load(file);
    assertThat(configs)
        .allSatisfy(
            c -> {
              assertThat(c.access().digest().user()).isEqualTo("agent");
              assertThat(c.access().acl().operators()).containsExactly(new Id("sasl", "ops"));
            });

    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "zookeeper:\n  connect: zk:2181\n  acl: { monitors: [ 'sasl:m' ], agents: [ agent ],"
                + " operators: [ 'sasl:o' ] }\nagents:\n  - { id: a1, command: [ sleep, '1' ] }\n");
    assertThatThrownBy(() -> SupervisorYaml.load(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "zookeeper.acl.agents[0]: must be scheme:id, like sasl:monitor or digest:monitor:HASH");
  }

  @Test
  void zkAuthWithTheSupervisorsFileIsRefused() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("supervisor.yaml"),
            "zookeeper: { connect: zk:2181 }\nagents:\n  - { id: a1, command: [ sleep, '1' ] }\n");
    int status =
        run("supervise", "--config", file.toString(), "--zk-auth", accessFile().toString());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "flume-sentinel: config error: --zk-auth: give zookeeper.auth and zookeeper.acl in the"
                + " --config file instead");
  }

  @Test
  void aMissingOrWrongFileStopsSilenceAndDeregisterBeforeAnyConnection() throws Exception {
    Path missing = dir.resolve("missing.yaml");
    int status = run("silence", "list", "--zk", "127.0.0.1:1", "--zk-auth", missing.toString());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "flume-sentinel: config error: --zk-auth: " + missing + ": config file not found");

    err.getBuffer().setLength(0);
    Path wrong = Files.writeString(dir.resolve("wrong.yaml"), "acl: { monitors: [ 'sasl:m' ] }\n");
    status =
        run("deregister", "--zk", "127.0.0.1:1", "--agent", "a1", "--zk-auth", wrong.toString());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "flume-sentinel: config error: --zk-auth: acl.agents: must list at least one id, like"
                + " \"sasl:agent\"");
  }

  private Path accessFile() throws Exception {
    Path password = Files.writeString(dir.resolve("agent.password"), "agent-password\n");
    return Files.writeString(
        dir.resolve("agent.yaml"),
        "auth: { digest: { user: agent, passwordFile: " + password + " } }\n" + ACL + "\n");
  }

  private int run(String... args) {
    var commandLine =
        FlumeSentinel.commandLine(
            config -> {},
            new SupervisorLauncher() {
              @Override
              public int run(SupervisorConfig config) {
                launched.add(config);
                return 0;
              }

              @Override
              public int runAll(List<SupervisorConfig> configs) {
                launched.addAll(configs);
                return 0;
              }
            });
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }
}
