package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreHarness;
import io.flumesentinel.testing.CoreTestBase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;

/**
 * An agent node as large as ZooKeeper lets anyone write gives an alert that is delivered, recorded
 * within a record's bounds, and not sent again after a restart; the ledger's session is never
 * dropped, and the other agents' alerts are recorded too.
 */
class LedgerBoundsTest extends CoreTestBase {

  private static final String HUGE = "huge";
  private static final List<String> OTHERS = List.of("o1", "o2", "o3");

  @Test
  void anAgentWithA600KbHostIsAlertedAndRecordedWithinBoundsAndNotSentAgainAfterARestart()
      throws Exception {
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i < 300; i++) { // the monitor reads 64 of them, long names and values
      labels.put(String.format("label_%03d_", i) + "n".repeat(240), "v".repeat(300));
    }
    AgentNode huge = AgentNode.of("h".repeat(600 * 1024), "ingest", labels);
    List<ConnectionState> ledgerSession = new CopyOnWriteArrayList<>();

    try (CoreHarness first =
        new CoreHarness(server.getConnectString(), layout, ClassifierConfig.defaults())) {
      await().atMost(WAIT).until(first.readiness::ready);
      first.client.getConnectionStateListenable().addListener((c, s) -> ledgerSession.add(s));

      crash(HUGE, huge);
      for (String other : OTHERS) {
        crash(other, AgentNode.of("h", null, Map.of()));
      }

      await().atMost(WAIT).until(() -> first.received.size() == 1 + OTHERS.size());
      Alert delivered = first.receivedFor(HUGE).get(0);
      assertThat(delivered.labels().get("host").length()).isLessThanOrEqualTo(1024);
      assertThat(delivered.annotations()).containsKey(RecordLimits.OMITTED);
      assertThat(RecordLimits.jsonBytes(delivered.labels()))
          .isLessThanOrEqualTo(RecordLimits.MAX_LABELS_BYTES);

      for (String agent : List.of(HUGE, "o1", "o2", "o3")) {
        await()
            .atMost(WAIT)
            .until(() -> ledgerRecord("FlumeAgentDown." + agent).contains("\"test\":\"firing\""));
      }
      byte[] record = agentSide.getData().forPath(layout.alert("FlumeAgentDown." + HUGE));
      assertThat(record.length).isLessThanOrEqualTo(RecordLimits.MAX_RECORD_BYTES);
      Alert recorded = LedgerRecord.parse(record).alert();
      assertThat(recorded).isEqualTo(delivered); // what was sent is what was recorded
      assertThat(ledgerSession).doesNotContain(ConnectionState.SUSPENDED, ConnectionState.LOST);
    }

    try (CoreHarness second =
        new CoreHarness(server.getConnectString(), layout, ClassifierConfig.defaults())) {
      await().atMost(WAIT).until(second.readiness::ready);
      crash("after", AgentNode.of("h", null, Map.of()));
      await().atMost(WAIT).until(() -> second.receivedFor("after").size() == 1);
      assertThat(second.received).extracting(Alert::agent).containsExactly("after");
    }
  }

  private void crash(String id, AgentNode node) throws Exception {
    agents.register(id, node).toCompletableFuture().get();
    agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    agents
        .recordCrash(id, new ExitRecord(null, "KILL", Instant.now(), ""))
        .toCompletableFuture()
        .get();
    agents.dropLive(id).toCompletableFuture().get();
  }
}
