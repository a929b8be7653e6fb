package io.flumesentinel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ACL of each path of the protocol, as the table of {@link ZkAcls} and docs/security.md say.
 */
class ZkAclsTest {

  private static final Id MONITOR = new Id("sasl", "monitor");
  private static final Id AGENT = new Id("sasl", "agent");
  private static final Id OPERATOR = new Id("sasl", "operator");
  private static final ZkLayout LAYOUT = new ZkLayout("/apps/sentinel");
  private static final ZkAcls ACLS =
      new ZkAcls(
          LAYOUT, "/apps/sentinel/vertx", List.of(MONITOR), List.of(AGENT), List.of(OPERATOR));

  static Stream<Arguments> table() {
    return Stream.of(
        // path, monitors, agents, operators
        Arguments.of("/apps", "rc", "rc", "rc"),
        Arguments.of("/apps/sentinel", "rc", "rc", "rc"),
        Arguments.of("/apps/sentinel/agents", "r", "rcd", "rd"),
        Arguments.of("/apps/sentinel/agents/a1", "r", "rw", "r"),
        Arguments.of("/apps/sentinel/live", "r", "rcd", "rd"),
        Arguments.of("/apps/sentinel/live/a1", "r", "rw", "r"),
        Arguments.of("/apps/sentinel/silences", "rcd", "", "rcd"),
        Arguments.of("/apps/sentinel/silences/0b0e", "rw", "", "rw"),
        Arguments.of("/apps/sentinel/acks", "rcd", "", "rcd"),
        Arguments.of("/apps/sentinel/acks/0123456789abcdef", "rw", "", "rw"),
        Arguments.of("/apps/sentinel/alerts", "rcd", "", "r"),
        Arguments.of("/apps/sentinel/alerts/FlumeAgentDown.a1", "rw", "", "r"),
        Arguments.of("/apps/sentinel/monitor", "rwcd", "", "r"),
        Arguments.of("/apps/sentinel/monitor/epoch", "rwcd", "", "r"),
        Arguments.of("/apps/sentinel/monitor/leader/_c_1-latch-0001", "rwcd", "", "r"),
        Arguments.of("/apps/sentinel/monitor/single/h:1", "rwcd", "", "r"),
        Arguments.of("/apps/sentinel/vertx", "rwcd", "", ""),
        Arguments.of("/apps/sentinel/vertx/cluster/nodes/x", "rwcd", "", ""),
        Arguments.of("/apps/sentinel/unknown", "rwcd", "", ""),
        Arguments.of("/apps/sentinel-other", "rc", "rc", "rc"));
  }

  @ParameterizedTest(name = "{0}: monitors {1}, agents {2}, operators {3}")
  @MethodSource("table")
  void eachPathGetsTheRightsOfItsRoles(
      String path, String monitors, String agents, String operators) {
    List<ACL> expected = new ArrayList<>();
    add(expected, MONITOR, monitors);
    add(expected, AGENT, agents);
    add(expected, OPERATOR, operators);
    assertThat(ACLS.getAclForPath(path)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void anIdInSeveralRolesGetsTheirRightsInOneEntry() {
    Id shared = new Id("sasl", "flume-sentinel");
    ZkAcls acls = new ZkAcls(LAYOUT, null, List.of(shared), List.of(shared), List.of(OPERATOR));
    assertThat(acls.getAclForPath(LAYOUT.agents()))
        .containsExactlyInAnyOrder(
            new ACL(Perms.READ | Perms.CREATE | Perms.DELETE, shared),
            new ACL(Perms.READ | Perms.DELETE, OPERATOR));
  }

  @Test
  void nobodyMayChangeAnAcl() {
    for (String path :
        List.of("/apps/sentinel", LAYOUT.agent("a"), LAYOUT.silences(), LAYOUT.monitorEpoch())) {
      assertThat(ACLS.getAclForPath(path))
          .allSatisfy(acl -> assertThat(acl.getPerms() & Perms.ADMIN).isZero());
    }
  }

  private static void add(List<ACL> acl, Id id, String perms) {
    if (perms.isEmpty()) {
      return;
    }
    int bits = 0;
    for (char c : perms.toCharArray()) {
      bits |=
          switch (c) {
            case 'r' -> Perms.READ;
            case 'w' -> Perms.WRITE;
            case 'c' -> Perms.CREATE;
            case 'd' -> Perms.DELETE;
            default -> throw new IllegalArgumentException(perms);
          };
    }
    acl.add(new ACL(bits, id));
  }
}
