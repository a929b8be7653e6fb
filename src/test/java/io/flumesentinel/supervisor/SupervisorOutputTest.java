package io.flumesentinel.supervisor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.Zk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code supervise} command in a JVM of its own with a small heap, supervising a real process
 * that prints a quarter of a gigabyte without a newline and got a password on its command line:
 * what the supervisor logs and writes to ZooKeeper, as an operator would read it.
 */
class SupervisorOutputTest {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();
  private static final String SECRET = "hunter2";
  private static final long LONG_LINE_BYTES = 256L << 20;

  /** Several times smaller than the long line: reading it whole would end in OutOfMemoryError. */
  private static final int SUPERVISOR_HEAP_MB = 48;

  private static final Path SHIPPED_LOGGING = Path.of("src", "main", "resources", "logback.xml");

  private static TestingServer server;
  private static CuratorFramework client;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    server = Zk.server();
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anEndlessLineCostsBoundedMemoryAndNoSecretIsLoggedOrRecorded() throws Exception {
    // What Flume's launcher does: print the java command line it is about to run, to stderr.
    String script =
        "echo \"+ exec java $*\" >&2; "
            + "head -c "
            + LONG_LINE_BYTES
            + " /dev/zero | tr '\\0' x >&2; "
            + "printf '\\nafter-the-long-line\\n' >&2; exit 3";
    // the logging of the jar as shipped, not the tests' own
    List<String> command =
        new ArrayList<>(
            List.of(
                ChildJvm.java(),
                "-Xmx" + SUPERVISOR_HEAP_MB + "m",
                "-Dlogback.configurationFile=" + SHIPPED_LOGGING.toAbsolutePath(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.flumesentinel.FlumeSentinel",
                "supervise",
                "--zk",
                server.getConnectString(),
                "--agent",
                "sv-output",
                "--restart",
                "no",
                "--"));
    command.addAll(
        List.of(
            "sh",
            "-c",
            script,
            "sh",
            "-Dkafka.password=" + SECRET,
            "--token=" + SECRET,
            "-Dflume.monitoring.port=34545"));

    int exit;
    List<String> output;
    try (ChildJvm supervisor = ChildJvm.start(command)) {
      exit = supervisor.awaitExit(Duration.ofSeconds(90));
      output = supervisor.output();
    }

    String log = String.join("\n", output);
    // the agent's failure, as designed (--restart no), not the supervisor's
    assertThat(exit).as(log).isEqualTo(1);
    assertThat(log).doesNotContain("OutOfMemoryError").doesNotContain(SECRET);
    assertThat(log)
        .contains("-Dkafka.password=*** --token=*** -Dflume.monitoring.port=34545")
        .contains("sv-output stderr: after-the-long-line");
    List<String> cut =
        output.stream().filter(line -> line.contains(ChildProcess.TRUNCATED)).toList();
    assertThat(cut).hasSize(1);
    assertThat(cut.get(0))
        .endsWith("x".repeat(100) + ChildProcess.TRUNCATED)
        .hasSizeLessThan(ChildProcess.MAX_LINE_CHARS + 200);

    AgentNode agent = AgentNode.parse(client.getData().forPath(LAYOUT.agent("sv-output")));
    assertThat(agent.lastExit().code()).isEqualTo(3);
    String tail = agent.lastExit().stderrTail();
    assertThat(tail).endsWith("after-the-long-line");
    assertThat(tail.length()).isLessThanOrEqualTo(4096);
    assertThat(everythingUnder(LAYOUT.root())).doesNotContain(SECRET);
  }

  /** The data of every znode under {@code path}, concatenated. */
  private static String everythingUnder(String path) throws Exception {
    StringBuilder all = new StringBuilder();
    byte[] data = client.getData().forPath(path);
    if (data != null) {
      all.append(new String(data, UTF_8)).append('\n');
    }
    for (String child : client.getChildren().forPath(path)) {
      all.append(everythingUnder(path + "/" + child));
    }
    return all.toString();
  }
}
