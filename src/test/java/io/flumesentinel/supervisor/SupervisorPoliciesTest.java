package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ResourceHealth;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Zk;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The supervisor carrying out its policies against a real ZooKeeper and real processes: a failing
 * probe restarts the agent with its reason in the agent node until the start limit, and resource
 * verdicts are written to the agent node.
 */
class SupervisorPoliciesTest {

  private static final ZkLayout LAYOUT = new ZkLayout("/supervisor-policies");
  private static TestingServer server;
  private static CuratorFramework client;

  @BeforeAll
  static void start() throws Exception {
    server = Zk.server();
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  private static SupervisorConfig config(String id, int startLimit, SupervisorPolicies policies) {
    RestartPolicy.Settings restarts =
        new RestartPolicy.Settings(
            RestartPolicy.Mode.NO, // a restart on purpose restarts whatever the mode
            Duration.ofMillis(50),
            1.0,
            Duration.ofMillis(50),
            Duration.ofSeconds(30),
            startLimit,
            Duration.ofMinutes(5));
    return new SupervisorConfig(
            server.getConnectString(),
            LAYOUT,
            id,
            "host-t",
            "tests",
            Map.of(),
            "1.0",
            List.of("sleep", "600"),
            restarts,
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(3),
            Supervisor.setprivAvailable(),
            null)
        .withPolicies(policies);
  }

  @Test
  void aFailingProbeRestartsTheAgentUntilTheStartLimit() throws Exception {
    SupervisorPolicies policies =
        new SupervisorPolicies(
            Duration.ZERO,
            ResourceJudge.Settings.defaults(),
            new ResourcePolicy.Settings(0, 1),
            HealthRestartPolicy.Settings.off(),
            new Probe.Settings(
                null, "exit 7", Duration.ofMillis(50), Duration.ofSeconds(2), 2, Duration.ZERO),
            null,
            Map.of(),
            null);
    Supervisor supervisor = Supervisor.start(config("p1", 3, policies), Clock.systemUTC());
    try {
      assertThat(supervisor.exitStatus().get(60, TimeUnit.SECONDS)).isEqualTo(1);
      AgentNode node = agent("p1");
      assertThat(node.crashCount()).isEqualTo(3);
      assertThat(node.lastExit().signal()).isEqualTo("TERM");
      assertThat(node.lastExit().restartReason())
          .startsWith(
              "probe exit 7 failed 2 times: exit code 7 (not started again: started 3 times");
      assertThat(client.checkExists().forPath(LAYOUT.live("p1"))).isNull();
    } finally {
      supervisor.stop();
      supervisor.exitStatus().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void resourceVerdictsAreWrittenToTheAgentNode() throws Exception {
    // any process holds more than 0.01 % of its open-files limit: memory is HIGH at once
    SupervisorPolicies policies =
        new SupervisorPolicies(
            Duration.ofMillis(50),
            new ResourceJudge.Settings(90, 20, 0.01, 0, Duration.ZERO),
            new ResourcePolicy.Settings(0, 1),
            HealthRestartPolicy.Settings.off(),
            null,
            null,
            Map.of(),
            null);
    Supervisor supervisor = Supervisor.start(config("m1", 5, policies), Clock.systemUTC());
    try {
      await().atMost(Duration.ofSeconds(15)).until(() -> agent("m1").resources() != null);
      ResourceHealth resources = agent("m1").resources();
      assertThat(resources.memory().status()).isEqualTo(ResourceHealth.Status.HIGH);
      assertThat(resources.memory().reason()).startsWith("open files ");
      assertThat(resources.memory().details()).containsKeys("rssBytes", "openFds", "maxOpenFds");
      long pid = LiveNode.parse(client.getData().forPath(LAYOUT.live("m1"))).pid();

      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      await().atMost(Duration.ofSeconds(15)).until(() -> agent("m1").crashCount() == 1);
      assertThat(agent("m1").resources()).as("a crash record drops the run's verdicts").isNull();
      assertThat(agent("m1").lastExit().signal()).isEqualTo("KILL");
      assertThat(agent("m1").lastExit().restartReason()).isNull();
    } finally {
      supervisor.stop();
      supervisor.exitStatus().get(30, TimeUnit.SECONDS);
    }
  }

  private static AgentNode agent(String id) throws Exception {
    return AgentNode.parse(client.getData().forPath(LAYOUT.agent(id)));
  }
}
