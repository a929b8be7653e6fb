package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.FlumeSentinel;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.supervisor.RestartPolicy;
import io.flumesentinel.supervisor.SupervisorConfig;
import io.flumesentinel.testing.Zk;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code supervise} and {@code deregister} on the command line, in-process. */
class SuperviseCliTest {

  private final List<SupervisorConfig> launched = new ArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine =
        FlumeSentinel.commandLine(
            config -> {},
            config -> {
              launched.add(config);
              return 0;
            });
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void superviseTakesTheCommandAfterTheDoubleDash() {
    int status =
        run(
            "supervise",
            "--zk",
            "zk1:2181",
            "--agent",
            "a1",
            "--root",
            "/fs/",
            "--group",
            "ingest",
            "--label",
            "dc=east",
            "--label",
            "team=data",
            "--restart",
            "always",
            "--stop-timeout-ms",
            "2500",
            "--",
            "java",
            "-cp",
            "lib/*",
            "org.apache.flume.node.Application",
            "-n",
            "a1");

    assertThat(status).isZero();
    SupervisorConfig config = launched.get(0);
    assertThat(config.command())
        .containsExactly("java", "-cp", "lib/*", "org.apache.flume.node.Application", "-n", "a1");
    assertThat(config.agentId()).isEqualTo("a1");
    assertThat(config.layout()).isEqualTo(new ZkLayout("/fs"));
    assertThat(config.group()).isEqualTo("ingest");
    assertThat(config.labels()).isEqualTo(Map.of("dc", "east", "team", "data"));
    assertThat(config.restart().mode()).isEqualTo(RestartPolicy.Mode.ALWAYS);
    assertThat(config.stopTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(config.host()).isNotBlank();
  }

  @Test
  void advertisedEndpointsGoIntoTheLiveNodeWithTheGroup() {
    int status =
        run(
            "supervise",
            "--zk",
            "zk1:2181",
            "--agent",
            "a1",
            "--group",
            "logs",
            "--advertise",
            "avro=flume1.example.com:4141",
            "--advertise",
            "metrics=[::1]:34545",
            "--",
            "sleep",
            "1");

    assertThat(status).isZero();
    SupervisorConfig config = launched.get(0);
    assertThat(config.advertise())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("avro", "flume1.example.com:4141", "metrics", "[::1]:34545"));
    LiveNode live = new LiveNode(7, Instant.EPOCH, "", 0, config.group(), config.advertise());
    assertThat(new String(live.toBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"group\":\"logs\"")
        .contains(
            "\"advertise\":{\"avro\":\"flume1.example.com:4141\",\"metrics\":\"[::1]:34545\"}");
  }

  @Test
  void aBadAdvertiseIsOneLineWithExitCode2() {
    assertThat(run("supervise", "--zk", "z:1", "--agent", "a", "--advertise", "avro", "--", "x"))
        .isEqualTo(2);
    assertThat(
            run("supervise", "--zk", "z:1", "--agent", "a", "--advertise", "avro=host", "--", "x"))
        .isEqualTo(2);
    assertThat(
            run(
                "supervise",
                "--zk",
                "z:1",
                "--agent",
                "a",
                "--advertise",
                "avro=h:70000",
                "--",
                "x"))
        .isEqualTo(2);
    assertThat(
            run(
                "supervise",
                "--zk",
                "z:1",
                "--agent",
                "a",
                "--advertise",
                "avro=h:1",
                "--advertise",
                "avro=h:2",
                "--",
                "x"))
        .isEqualTo(2);

    assertThat(err.toString().lines())
        .containsExactly(
            "flume-sentinel: config error: --advertise: 'avro' is not NAME=HOST:PORT",
            "flume-sentinel: config error: --advertise: 'host' is not HOST:PORT",
            "flume-sentinel: config error: --advertise: 'h:70000' is not HOST:PORT",
            "flume-sentinel: config error: --advertise: 'avro' is given twice");
    assertThat(launched).isEmpty();
  }

  @Test
  void badSuperviseArgumentsAreOneLineWithExitCode2() {
    assertThat(run("supervise", "--zk", "z:1", "--agent", "a/b", "--", "sleep", "1")).isEqualTo(2);
    assertThat(
            run(
                "supervise",
                "--zk",
                "z:1",
                "--agent",
                "a",
                "--restart",
                "sometimes",
                "--",
                "sleep",
                "1"))
        .isEqualTo(2);
    assertThat(
            run(
                "supervise",
                "--zk",
                "z:1",
                "--agent",
                "a",
                "--label",
                "nolabel",
                "--",
                "sleep",
                "1"))
        .isEqualTo(2);
    assertThat(run("supervise", "--zk", "z:1", "--agent", "a")).isEqualTo(2);

    List<String> lines = err.toString().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0))
        .isEqualTo(
            "flume-sentinel: config error: --agent: agent id 'a/b' may only contain letters, digits, '.', '_' and '-'");
    assertThat(lines.get(1))
        .isEqualTo(
            "flume-sentinel: config error: --restart: 'sometimes' is not one of on-failure, always, no");
    assertThat(lines.get(2))
        .isEqualTo("flume-sentinel: config error: --label: 'nolabel' is not k=v");
    assertThat(lines.get(3)).startsWith("flume-sentinel: usage error: ").contains("COMMAND");
    assertThat(launched).isEmpty();
  }

  @Test
  void deregisterRemovesBothNodesOnceThenSaysNotRegistered() throws Exception {
    try (TestingServer server = Zk.server();
        CuratorFramework client = Zk.client(server.getConnectString(), Duration.ofSeconds(10))) {
      Registration registration =
          new Registration(AsyncCuratorFramework.wrap(client), ZkLayout.defaults());
      registration
          .register("gone", AgentNode.of("h", "g", Map.of()))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      registration
          .goLive("gone", new LiveNode(7, Instant.now(), "", 0))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);

      assertThat(run("deregister", "--zk", server.getConnectString(), "--agent", "gone")).isZero();
      assertThat(out.toString().strip())
          .isEqualTo("flume-sentinel: agent gone deregistered from /flume-sentinel");
      assertThat(client.checkExists().forPath("/flume-sentinel/agents/gone")).isNull();
      assertThat(client.checkExists().forPath("/flume-sentinel/live/gone")).isNull();

      assertThat(run("deregister", "--zk", server.getConnectString(), "--agent", "gone"))
          .isEqualTo(1);
      assertThat(err.toString().strip())
          .isEqualTo("flume-sentinel: agent gone is not registered under /flume-sentinel");
    }
  }
}
