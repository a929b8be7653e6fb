package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.ConfigException;
import io.flumesentinel.supervisor.FlowJudge;
import io.flumesentinel.supervisor.RestartPolicy;
import io.flumesentinel.supervisor.SupervisorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SupervisorYamlTest {

  @TempDir Path dir;

  private List<SupervisorConfig> load(String yaml) throws Exception {
    Path file = dir.resolve("supervisor.yaml");
    Files.writeString(file, yaml);
    return SupervisorYaml.load(file);
  }

  private static final String VALID =
      String.join(
          "\n",
          "zookeeper: { connect: \"zk1:2181,zk2:2181\", root: /fs, sessionTimeoutMs: 8000 }",
          "defaults: { restart: always, stopTimeoutMs: 7000, labels: { dc: east } }",
          "agents:",
          "  - id: a1",
          "    group: ingest",
          "    labels: { tier: gold }",
          "    command: [ java, -cp, \"lib/*\", org.apache.flume.node.Application, -n, a1 ]",
          "  - id: a2",
          "    restart: on-failure",
          "    stopTimeoutMs: 3000",
          "    flumeMetrics: http://127.0.0.1:34546/metrics",
          "    command: [ sleep, \"600\" ]",
          "");

  @Test
  void everyAgentGetsTheSharedSettingsAndItsOwn() throws Exception {
    List<SupervisorConfig> agents = load(VALID);
    assertThat(agents).extracting(SupervisorConfig::agentId).containsExactly("a1", "a2");
    SupervisorConfig a1 = agents.get(0);
    assertThat(a1.zkConnect()).isEqualTo("zk1:2181,zk2:2181");
    assertThat(a1.layout().root()).isEqualTo("/fs");
    assertThat(a1.sessionTimeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(a1.group()).isEqualTo("ingest");
    assertThat(a1.labels()).containsEntry("dc", "east").containsEntry("tier", "gold");
    assertThat(a1.restart().mode()).isEqualTo(RestartPolicy.Mode.ALWAYS);
    assertThat(a1.stopTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(a1.command())
        .containsExactly("java", "-cp", "lib/*", "org.apache.flume.node.Application", "-n", "a1");
    assertThat(a1.health()).isNull();
    SupervisorConfig a2 = agents.get(1);
    assertThat(a2.restart().mode()).isEqualTo(RestartPolicy.Mode.ON_FAILURE);
    assertThat(a2.stopTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(a2.health().metricsUrl().toString()).isEqualTo("http://127.0.0.1:34546/metrics");
    assertThat(a2.command()).containsExactly("sleep", "600");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "restart: sometimes|agents[0].restart",
        "stopTimeoutMs: soon|agents[0].stopTimeoutMs",
        "colour: red|agents[0].colour: unknown key",
        "flumeMetrics: ftp://x/metrics|agents[0].flumeMetrics",
        "id: 'bad id'|agents[0].id"
      })
  void aBadAgentKeyIsNamedInOneLine(String line, String expected) {
    String yaml =
        "zookeeper: { connect: zk:2181 }\nagents:\n  - id: a1\n    command: [ sleep, '1' ]\n    "
            + line
            + "\n";
    if (line.startsWith("id:")) {
      yaml =
          "zookeeper: { connect: zk:2181 }\nagents:\n  - "
              + line
              + "\n    command: [ sleep, '1' ]\n";
    }
    String finalYaml = yaml;
    assertThatThrownBy(() -> load(finalYaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(expected)
        .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
  }

  @Test
  void fileLevelProblemsAreNamedToo() {
    assertThatThrownBy(() -> load("agents:\n  - id: a1\n    command: [ sleep, '1' ]\n"))
        .hasMessage("zookeeper.connect: is required");
    assertThatThrownBy(() -> load("zookeeper: { connect: zk:2181 }\nagents: []\n"))
        .hasMessage("agents: must list at least one agent");
    assertThatThrownBy(
            () -> load("zookeeper: { connect: zk:2181 }\nagents:\n  - command: [ sleep, '1' ]\n"))
        .hasMessage("agents[0].id: is required");
    assertThatThrownBy(() -> load("zookeeper: { connect: zk:2181 }\nagents:\n  - id: a1\n"))
        .hasMessageStartingWith("agents[0].command: Missing required parameter");
    assertThatThrownBy(
            () ->
                load(
                    "zookeeper: { connect: zk:2181 }\nagents:\n  - { id: a1, command: [x] }\n  - { id: a1, command: [x] }\n"))
        .hasMessage("agents[1].id: 'a1' is listed twice");
    assertThatThrownBy(
            () ->
                load("zookeeper: { connect: zk:2181 }\nagents:\n  - { id: a1, command: sleep }\n"))
        .hasMessage("agents[0].command: must be a list: the program and its arguments");
    assertThatThrownBy(() -> load("zookeeper: [\n")).hasMessageContaining("not valid YAML at line");
  }

  @Test
  void flowChecksAreReadWithDefaultsAndTheirOwnKeys() throws Exception {
    List<SupervisorConfig> agents =
        load(
            String.join(
                "\n",
                "zookeeper: { connect: zk:2181 }",
                "defaults: { flumeMetrics: \"http://127.0.0.1:34545/metrics\" }",
                "agents:",
                "  - id: a1",
                "    sourceIdle: [ r1, r2 ]",
                "    sourceIdleForMs: 120000",
                "    sinkStalledForMs: 30000",
                "    fillTrendWindowMs: 60000",
                "    fillFullWithinMs: 600000",
                "    errorsQuietMs: 90000",
                "    command: [ sleep, \"600\" ]",
                "  - id: a2",
                "    sourceIdle: \"*\"",
                "    command: [ sleep, \"600\" ]",
                "  - id: a3",
                "    command: [ sleep, \"600\" ]",
                ""));

    FlowJudge.Settings a1 = agents.get(0).health().flow();
    assertThat(a1.idleSources()).containsExactlyInAnyOrder("r1", "r2");
    assertThat(a1.sourceIdleFor()).isEqualTo(Duration.ofMinutes(2));
    assertThat(a1.sinkStalledFor()).isEqualTo(Duration.ofSeconds(30));
    assertThat(a1.fillWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(a1.fillWithin()).isEqualTo(Duration.ofMinutes(10));
    assertThat(a1.errorsQuietFor()).isEqualTo(Duration.ofSeconds(90));
    assertThat(agents.get(1).health().flow().idleSources()).containsExactly("*");
    assertThat(agents.get(2).health().flow()).isEqualTo(FlowJudge.Settings.defaults());
  }

  @Test
  void aBadFlowCheckKeyIsNamed() {
    assertThatThrownBy(
            () ->
                load(
                    "zookeeper: { connect: zk:2181 }\nagents:\n  - { id: a1, flumeMetrics:"
                        + " \"http://h:1/metrics\", sourceIdle: [ r1, \"r 2\" ], command: [ x ] }\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "agents[0].sourceIdle: 'r 2' is not a source name ([A-Za-z0-9._-], 1-128) nor '*'");
    assertThatThrownBy(
            () ->
                load(
                    "zookeeper: { connect: zk:2181 }\nagents:\n  - { id: a1, flumeMetrics:"
                        + " \"http://h:1/metrics\", fillTrendWindowMs: 10, command: [ x ] }\n"))
        .hasMessage("agents[0].fillTrendWindowMs: must be between 1000 and 86400000, got 10");
    assertThatThrownBy(
            () ->
                load(
                    "zookeeper: { connect: zk:2181 }\nagents:\n  - { id: a1, sourceIdle: { r1: x },"
                        + " command: [ x ] }\n"))
        .hasMessage("agents[0].sourceIdle: must be a single value");
  }

  @Test
  void theExampleInConfIsValid() {
    List<SupervisorConfig> agents = SupervisorYaml.load(Path.of("conf", "supervisor.yaml"));
    assertThat(agents).extracting(SupervisorConfig::agentId).containsExactly("a1", "a2");
    assertThat(agents.get(0).health()).isNotNull();
    assertThat(agents.get(0).health().flow().idleSources()).containsExactly("r1");
    assertThat(agents.get(1).labels()).containsEntry("dc", "east").containsEntry("tier", "cold");
  }
}
