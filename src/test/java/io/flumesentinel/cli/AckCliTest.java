package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.FlumeSentinel;
import io.flumesentinel.alert.LedgerRecord;
import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Zk;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ack} in-process against a real ZooKeeper holding a ledger with two firing alerts: by agent
 * id and by fingerprint, listed, shown by {@code alerts}, and removed.
 */
class AckCliTest {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();
  private static final Instant STARTED = Instant.parse("2026-11-30T07:00:00Z");
  private static TestingServer server;

  private CuratorFramework client;
  private StringWriter out;
  private StringWriter err;
  private Alert down;
  private Alert stuck;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    server = Zk.server();
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    server.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    down = fire("FlumeAgentDown", "a2", "CRASHED");
    stuck = fire("FlumeAgentStuck", "a3", "STUCK");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client.checkExists().forPath(LAYOUT.root()) != null) {
      client.delete().deletingChildrenIfNeeded().forPath(LAYOUT.root());
    }
    client.close();
  }

  private Alert fire(String alertname, String agent, String reason) throws Exception {
    Alert alert =
        new Alert(
            Alert.Status.FIRING,
            new TreeMap<>(Map.of("alertname", alertname, "agent", agent)),
            new TreeMap<>(Map.of("reason", reason)),
            STARTED,
            null,
            "");
    client
        .create()
        .creatingParentsIfNeeded()
        .forPath(
            LAYOUT.alert(alert.key()),
            new LedgerRecord(alert, Map.of("ops", "firing"), Map.of()).toBytes());
    return alert;
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine commandLine = FlumeSentinel.commandLine(config -> {});
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 2];
    System.arraycopy(args, 0, full, 0, args.length);
    full[args.length] = "--zk";
    full[args.length + 1] = server.getConnectString();
    return commandLine.execute(full);
  }

  private JsonObject stored(Alert alert) throws Exception {
    return new JsonObject(
        new String(
            client.getData().forPath(LAYOUT.ack(alert.fingerprint())), StandardCharsets.UTF_8));
  }

  @Test
  void anAgentsFiringAlertsAreAcknowledgedListedShownAndRemoved() throws Exception {
    assertThat(run("ack", "a2", "--by", "alice", "--comment", "JIRA-9"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("acknowledged FlumeAgentDown of a2 (" + down.fingerprint());
    JsonObject ack = stored(down);
    assertThat(ack.getString("by")).isEqualTo("alice");
    assertThat(ack.getString("comment")).isEqualTo("JIRA-9");
    assertThat(ack.getString("startsAt")).isEqualTo(STARTED.toString());
    assertThat(client.checkExists().forPath(LAYOUT.ack(stuck.fingerprint()))).isNull();

    assertThat(run("ack", stuck.fingerprint(), "--by", "bob")).as(err.toString()).isZero();
    assertThat(stored(stuck).getString("by")).isEqualTo("bob");

    assertThat(run("ack", "list")).as(err.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("FINGERPRINT").contains("ALERTNAME", "AGENT", "BY");
    assertThat(String.join("\n", lines))
        .contains(down.fingerprint() + "  FlumeAgentDown")
        .contains("alice")
        .contains("JIRA-9")
        .contains("bob");
    assertThat(run("ack", "list", "--json")).isZero();
    JsonArray listed = new JsonArray(out.toString());
    assertThat(listed.size()).isEqualTo(2);

    assertThat(run("alerts")).as(err.toString()).isZero();
    List<String> alerts = out.toString().lines().toList();
    assertThat(alerts.get(0)).endsWith("ACKNOWLEDGED BY");
    assertThat(alerts.get(1)).startsWith("FlumeAgentDown").endsWith("alice");
    assertThat(alerts.get(2)).startsWith("FlumeAgentStuck").endsWith("bob");
    assertThat(run("alerts", "--json")).isZero();
    assertThat(new JsonArray(out.toString()).getJsonObject(0).getJsonObject("acknowledgedBy"))
        .isEqualTo(
            new JsonObject()
                .put("by", "alice")
                .put("comment", "JIRA-9")
                .put("at", ack.getString("at")));

    assertThat(run("ack", "--remove", "a2")).as(err.toString()).isZero();
    assertThat(client.checkExists().forPath(LAYOUT.ack(down.fingerprint()))).isNull();
    assertThat(run("ack", "--remove", "a2")).isEqualTo(1);
    assertThat(err.toString()).contains("was not acknowledged");
  }

  @Test
  void nothingFiringForTheTargetIsExitStatus1() throws Exception {
    assertThat(run("ack", "nobody", "--by", "alice")).isEqualTo(1);
    assertThat(err.toString().lines().toList())
        .singleElement()
        .asString()
        .contains("no alert fires with fingerprint or for agent nobody");
    assertThat(client.checkExists().forPath(LAYOUT.acks())).isNull();
  }
}
