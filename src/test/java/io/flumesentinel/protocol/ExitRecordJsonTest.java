package io.flumesentinel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The crash record's newer fields: written, read back, and absent from older supervisors' nodes.
 */
class ExitRecordJsonTest {

  private static AgentNode parse(String json) throws NodeDataException {
    return AgentNode.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void whatTheSupervisorDoesNextTravelsWithTheExit() throws Exception {
    ExitRecord exit =
        new ExitRecord(null, "KILL", Instant.parse("2026-11-30T03:12:07Z"), "boom")
            .ofRun(48113L, Duration.ofMillis(5012))
            .restartingIn(Duration.ofSeconds(1));
    AgentNode node = AgentNode.of("h", "g", java.util.Map.of()).withCrash(exit);
    assertThat(node.toJson().getJsonObject("lastExit").encode())
        .contains("\"pid\":48113", "\"ranForMs\":5012", "\"restartInMs\":1000")
        .doesNotContain("gaveUp");
    assertThat(AgentNode.parse(node.toBytes()).lastExit()).isEqualTo(exit);

    ExitRecord gaveUp = exit.givenUp("start limit reached");
    assertThat(gaveUp.restartIn()).isNull();
    assertThat(AgentNode.parse(node.withCrash(gaveUp).toBytes()).lastExit().gaveUp())
        .isEqualTo("start limit reached");
  }

  @Test
  void anOlderSupervisorsNodeReadsAsBeforeWithoutTheNewFields() throws Exception {
    ExitRecord exit =
        parse(
                """
                {"host":"h","group":"g","labels":{},"crashCount":2,
                 "lastExit":{"signal":"KILL","at":"2026-11-30T03:12:07Z","stderrTail":"oops"}}
                """)
            .lastExit();
    assertThat(exit.signal()).isEqualTo("KILL");
    assertThat(exit.stderrTail()).isEqualTo("oops");
    assertThat(exit.pid()).isNull();
    assertThat(exit.ranFor()).isNull();
    assertThat(exit.restartIn()).isNull();
    assertThat(exit.gaveUp()).isNull();
  }

  @Test
  void contradictoryOrNegativeValuesAreReadAsAbsentAndAReasonIsOneBoundedLine() throws Exception {
    ExitRecord exit =
        parse(
                """
                {"lastExit":{"code":1,"pid":-3,"ranForMs":-10,"restartInMs":500,
                 "gaveUp":"too many\\nstarts\\u0007 %s"}}
                """
                    .formatted("x".repeat(1000)))
            .lastExit();
    assertThat(exit.pid()).isNull();
    assertThat(exit.ranFor()).isNull();
    assertThat(exit.restartIn()).isNull();
    assertThat(exit.gaveUp())
        .startsWith("too many starts ")
        .doesNotContain("\n")
        .hasSizeLessThan(300);
  }
}
