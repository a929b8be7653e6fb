package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.ConfigException;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.supervisor.SupervisorConfig;
import io.flumesentinel.supervisor.SupervisorPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy keys of the supervisor file and their checks, each problem naming its key. */
class PolicyOptionsTest {

  @TempDir Path dir;

  private List<SupervisorConfig> load(String agentKeys) throws Exception {
    Path file = dir.resolve("supervisor.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "zookeeper: { connect: \"zk1:2181\" }",
            "agents:",
            "  - id: a1",
            "    command: [ sleep, \"600\" ]",
            "    flumeMetrics: http://127.0.0.1:34545/metrics",
            agentKeys,
            ""));
    return SupervisorYaml.load(file);
  }

  @Test
  void defaultsMeasureAndRestartNothingOnPurpose() throws Exception {
    SupervisorPolicies policies = load("").get(0).policies();
    assertThat(policies.resourceInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(policies.resources().heapPercent()).isEqualTo(90);
    assertThat(policies.resources().gcPercent()).isEqualTo(20);
    assertThat(policies.resources().sustainFor()).isEqualTo(Duration.ofMinutes(5));
    assertThat(policies.rss().enabled()).isFalse();
    assertThat(policies.healthRestart().enabled()).isFalse();
    assertThat(policies.probe()).isNull();
    assertThat(policies.user()).isNull();
    assertThat(policies.environment()).isEmpty();
    assertThat(policies.output()).isNull();
  }

  @Test
  void everyPolicyKeyIsRead() throws Exception {
    Path env = dir.resolve("a1.env");
    Files.writeString(env, "JAVA_OPTS=-Xmx1g\n");
    SupervisorPolicies policies =
        load(String.join(
                "\n",
                "    resourceIntervalMs: 1000",
                "    resourceForMs: 5000",
                "    heapPercent: 80",
                "    gcPercent: 10",
                "    fdPercent: 70",
                "    rssAlertMb: 400",
                "    rssLimitMb: 512",
                "    rssLimitChecks: 4",
                "    restartOnHealth: stuck,hung",
                "    healthRestartLimit: 2",
                "    healthRestartWindowMs: 60000",
                "    probeCommand: \"nc -z 127.0.0.1 4141\"",
                "    probeFailures: 5",
                "    envFile: " + env,
                "    outputDir: " + dir.resolve("out"),
                "    outputMaxBytes: 2048",
                "    outputFiles: 3"))
            .get(0)
            .policies();
    assertThat(policies.resourceInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(policies.resources().rssAlertBytes()).isEqualTo(400L * 1024 * 1024);
    assertThat(policies.rss().rssLimitBytes()).isEqualTo(512L * 1024 * 1024);
    assertThat(policies.rss().checks()).isEqualTo(4);
    assertThat(policies.healthRestart().on())
        .containsExactlyInAnyOrder(Health.Status.STUCK, Health.Status.HUNG);
    assertThat(policies.healthRestart().limit()).isEqualTo(2);
    assertThat(policies.probe().command()).isEqualTo("nc -z 127.0.0.1 4141");
    assertThat(policies.probe().failures()).isEqualTo(5);
    assertThat(policies.environment()).containsEntry("JAVA_OPTS", "-Xmx1g");
    assertThat(policies.output().maxBytes()).isEqualTo(2048);
    assertThat(policies.output().files()).isEqualTo(3);
    assertThat(policies.toString()).doesNotContain("-Xmx1g");
  }

  @Test
  void aBadValueNamesItsKey() throws Exception {
    Path env = dir.resolve("bad.env");
    Files.writeString(env, "# ok\nGOOD=1\nthis is not an assignment\n");
    String[][] table = {
      {"    envFile: " + env, "agents[0].envFile: " + env + " line 3: not NAME=VALUE"},
      {"    heapPercent: 0", "agents[0].heapPercent: must be above 0 and at most 100, got 0.0"},
      {"    rssLimitChecks: 0", "agents[0].rssLimitChecks: must be at least 1, got 0"},
      {
        "    restartOnHealth: sometimes",
        "agents[0].restartOnHealth: 'sometimes' is not one of no, stuck, hung, stuck,hung"
      },
      {"    probeUrl: ftp://x/", "agents[0].probeUrl: 'ftp://x/' is not an http or https URL"},
      {"    user: no-such-user-here", "agents[0].user: no such user: 'no-such-user-here'"},
      {
        "    resourceIntervalMs: 0\n    rssLimitMb: 100",
        "agents[0].rssLimitMb: needs the resources read: --resource-interval-ms must not be 0"
      },
    };
    for (String[] row : table) {
      assertThatThrownBy(() -> load(row[0]))
          .as(row[0])
          .isInstanceOf(ConfigException.class)
          .hasMessage(row[1]);
    }
  }

  @Test
  void healthRestartsNeedTheMetrics() throws Exception {
    Path file = dir.resolve("no-metrics.yaml");
    Files.writeString(
        file,
        "zookeeper: { connect: zk1 }\nagents:\n  - { id: a1, command: [ sleep ],"
            + " restartOnHealth: hung }\n");
    assertThatThrownBy(() -> SupervisorYaml.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "agents[0].restartOnHealth: needs --flume-metrics: health is judged from Flume's"
                + " metrics");
  }
}
