package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reason;
import io.flumesentinel.protocol.AgentNode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two monitors of a cluster link an agent's alert to their own addresses unless {@code externalUrl}
 * is configured: the one that takes over derives the same incident, which is no news.
 */
class IncidentLinkTest {

  private static final Instant START = Instant.parse("2026-11-30T03:00:00Z");
  private static final AgentNode NODE = AgentNode.of("flume-07", "ingest", Map.of());

  @Test
  void anotherMonitorsLinkIsTheSameIncident() {
    Alert held =
        new AgentAlerts("http://mon-1:8080").down("s1", NODE, null, Reason.SESSION_LOST, START);
    Alert fromStandby =
        new AgentAlerts("http://mon-2:8080/").down("s1", NODE, null, Reason.SESSION_LOST, START);
    assertThat(held.generatorUrl()).isEqualTo("http://mon-1:8080/#/agents/s1");
    assertThat(fromStandby.generatorUrl()).isEqualTo("http://mon-2:8080/#/agents/s1");
    assertThat(IncidentUpdate.of(held, fromStandby)).isEqualTo(IncidentUpdate.SAME);
  }

  @Test
  void withoutAnAddressThereIsNoLink() {
    assertThat(new AgentAlerts("").down("s1", NODE, null, Reason.NOT_RUNNING, START).generatorUrl())
        .isEmpty();
  }
}
