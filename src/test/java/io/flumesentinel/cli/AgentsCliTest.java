package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.FlumeSentinel;
import io.flumesentinel.alert.LedgerRecord;
import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ResourceHealth;
import io.flumesentinel.protocol.UntrustedText;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.Zk;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code agents} and {@code alerts} in-process against a real ZooKeeper, registered as a supervisor
 * registers: three agents, one of them killed (its crash recorded, then its live node removed).
 */
class AgentsCliTest {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();
  private static final Instant KILLED_AT = Instant.parse("2026-11-30T07:00:00Z");
  private static TestingServer server;

  private CuratorFramework client;
  private Registration registration;
  private StringWriter out;
  private StringWriter err;

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
    registration = new Registration(AsyncCuratorFramework.wrap(client), LAYOUT);
    start("a1", "flume-01", "ingest");
    start("a2", "flume-02", "ingest");
    start("a3", "flume-03", "egress");
    AgentNode a2 = registration.readAgent("a2").toCompletableFuture().get(5, TimeUnit.SECONDS);
    registration
        .recordCrashAndDropLive("a2", a2.withCrash(new ExitRecord(null, "KILL", KILLED_AT, "")))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client.checkExists().forPath(LAYOUT.root()) != null) {
      client.delete().deletingChildrenIfNeeded().forPath(LAYOUT.root());
    }
    client.close();
  }

  private void start(String id, String host, String group) throws Exception {
    registration
        .register(id, AgentNode.of(host, group, Map.of("dc", "eu")))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    registration
        .goLive(id, new LiveNode(4242, Instant.now(), "1.11.0", 0))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine commandLine = FlumeSentinel.commandLine(config -> {});
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private int agents(String... args) {
    String[] full = new String[args.length + 3];
    full[0] = "agents";
    full[1] = "--zk";
    full[2] = server.getConnectString();
    System.arraycopy(args, 0, full, 3, args.length);
    return run(full);
  }

  private List<String> lines() {
    return out.toString().lines().toList();
  }

  private JsonArray json() {
    return new JsonArray(out.toString());
  }

  private void fire(String alertname, String agent, String reason) throws Exception {
    TreeMap<String, String> labels = new TreeMap<>(Map.of("alertname", alertname, "agent", agent));
    TreeMap<String, String> annotations = new TreeMap<>(Map.of("reason", reason));
    Alert alert = new Alert(Alert.Status.FIRING, labels, annotations, KILLED_AT, null, "");
    client
        .create()
        .creatingParentsIfNeeded()
        .forPath(
            LAYOUT.alert(alert.key()),
            new LedgerRecord(alert, Map.of("ops", "firing"), Map.of()).toBytes());
  }

  @Test
  void theTableShowsTheKilledAgentDownWithItsExit() throws Exception {
    fire("FlumeAgentDown", "a2", "CRASHED");

    assertThat(agents()).as(err.toString()).isZero();

    List<String> lines = lines();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0))
        .startsWith("ID")
        .contains("HOST", "GROUP", "STATE", "SINCE", "CRASHES", "LAST EXIT", "FIRING");
    assertThat(lines.get(1)).startsWith("a1").contains("flume-01", "ingest", " UP ");
    assertThat(lines.get(2))
        .startsWith("a2")
        .contains("flume-02", " DOWN ", "2026-11-30T07:00:00Z", " 1 ", "signal KILL")
        .endsWith("FlumeAgentDown");
    assertThat(lines.get(3)).startsWith("a3").contains("egress", " UP ");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void theJsonShowsTheKilledAgentDownWithItsExit() throws Exception {
    fire("FlumeAgentDown", "a2", "CRASHED");

    assertThat(agents("--json")).as(err.toString()).isZero();

    JsonArray agents = json();
    assertThat(agents.size()).isEqualTo(3);
    JsonObject a1 = agents.getJsonObject(0);
    assertThat(a1.getString("id")).isEqualTo("a1");
    assertThat(a1.getString("state")).isEqualTo("UP");
    assertThat(Instant.parse(a1.getString("since"))).isBefore(Instant.now().plusSeconds(5));
    assertThat(a1.getLong("crashCount")).isZero();
    assertThat(a1.getValue("lastExit")).isNull();
    assertThat(a1.getJsonObject("labels").getString("dc")).isEqualTo("eu");
    assertThat(a1.getJsonArray("firing")).isEmpty();
    JsonObject a2 = agents.getJsonObject(1);
    assertThat(a2.fieldNames())
        .containsExactlyInAnyOrder(
            "id",
            "host",
            "group",
            "labels",
            "state",
            "since",
            "crashCount",
            "lastExit",
            "health",
            "resources",
            "firing");
    assertThat(a2.getString("state")).isEqualTo("DOWN");
    assertThat(a2.getString("host")).isEqualTo("flume-02");
    assertThat(a2.getString("since")).isEqualTo("2026-11-30T07:00:00Z");
    assertThat(a2.getLong("crashCount")).isEqualTo(1);
    assertThat(a2.getJsonObject("lastExit").getString("signal")).isEqualTo("KILL");
    assertThat(a2.getJsonArray("firing").getList()).containsExactly("FlumeAgentDown");
  }

  @Test
  void aHealthRecordedBySupervisorShowsAsTheState() throws Exception {
    Instant stuckSince = Instant.parse("2026-11-30T06:00:00Z");
    AgentNode a3 = registration.readAgent("a3").toCompletableFuture().get(5, TimeUnit.SECONDS);
    registration
        .update(
            "a3",
            a3.withHealth(new Health(Health.Status.STUCK, "channel c1 full", stuckSince, Map.of())))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    assertThat(agents("--state", "stuck", "--json")).as(err.toString()).isZero();

    JsonArray agents = json();
    assertThat(agents.size()).isEqualTo(1);
    assertThat(agents.getJsonObject(0).getString("id")).isEqualTo("a3");
    assertThat(agents.getJsonObject(0).getString("since")).isEqualTo(stuckSince.toString());
    assertThat(agents.getJsonObject(0).getJsonObject("health").getString("reason"))
        .isEqualTo("channel c1 full");
  }

  @Test
  void failingFlowChecksShowWithTheirComponent() throws Exception {
    Instant since = Instant.parse("2026-11-30T06:30:00Z");
    AgentNode a3 = registration.readAgent("a3").toCompletableFuture().get(5, TimeUnit.SECONDS);
    FlowVerdict stalled =
        new FlowVerdict(
            FlowVerdict.Check.SINK_STALLED,
            "k1",
            "sink k1 drained nothing for 60 s while channel c1 holds 57 events",
            since,
            Map.of("channel", "c1", "channelSize", "57"),
            List.of("ERROR [SinkRunner] SinkRunner: Unable to deliver event."));
    FlowVerdict errors =
        new FlowVerdict(
            FlowVerdict.Check.AGENT_ERRORS,
            "k1",
            "sink k1: error counters rose",
            since,
            null,
            null);
    registration
        .update("a3", a3.withHealth(Health.ok(since).withFlow(List.of(stalled, errors))))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    assertThat(agents("--host", "flume-03")).as(err.toString()).isZero();
    List<String> lines = lines();
    assertThat(lines.get(0)).contains("LAST EXIT", "CHECKS", "FIRING");
    assertThat(lines.get(1))
        .startsWith("a3")
        .contains(" UP ", "FlumeSinkStalled k1,FlumeAgentErrors k1");

    assertThat(agents("--host", "flume-03", "--json")).as(err.toString()).isZero();
    JsonObject health = json().getJsonObject(0).getJsonObject("health");
    assertThat(health.getString("status")).isEqualTo("OK");
    JsonObject first = health.getJsonArray("flow").getJsonObject(0);
    assertThat(first.getString("check")).isEqualTo("SINK_STALLED");
    assertThat(first.getString("alertname")).isEqualTo("FlumeSinkStalled");
    assertThat(first.getString("component")).isEqualTo("k1");
    assertThat(first.getString("since")).isEqualTo(since.toString());
    assertThat(first.getJsonObject("figures").getString("channelSize")).isEqualTo("57");
    assertThat(first.containsKey("lines")).isFalse();
    assertThat(health.getJsonArray("flow").getJsonObject(1).getString("alertname"))
        .isEqualTo("FlumeAgentErrors");
  }

  @Test
  void resourceVerdictsShowBesideTheFlowChecks() throws Exception {
    Instant since = Instant.parse("2026-11-30T06:40:00Z");
    AgentNode a3 = registration.readAgent("a3").toCompletableFuture().get(5, TimeUnit.SECONDS);
    ResourceHealth resources =
        new ResourceHealth(
            new ResourceHealth.Verdict(
                ResourceHealth.Status.HIGH,
                "heap 97% of 1024 MB (threshold 90%) for 300012 ms",
                since,
                Map.of("heapPercent", "97")),
            ResourceHealth.Verdict.ok(since));
    registration
        .update("a3", a3.withResources(resources))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    assertThat(agents("--host", "flume-03")).as(err.toString()).isZero();
    assertThat(lines().get(1)).startsWith("a3").contains(" FlumeAgentMemory ");

    assertThat(agents("--host", "flume-03", "--json")).as(err.toString()).isZero();
    JsonObject shown = json().getJsonObject(0).getJsonObject("resources");
    assertThat(shown.getJsonObject("memory").getString("status")).isEqualTo("HIGH");
    assertThat(shown.getJsonObject("memory").getString("reason")).startsWith("heap 97%");
    assertThat(shown.getJsonObject("gc").getString("status")).isEqualTo("OK");
  }

  @Test
  void filtersByGroupHostAndState() {
    assertThat(agents("--group", "ingest", "--json")).as(err.toString()).isZero();
    assertThat(ids()).containsExactly("a1", "a2");

    assertThat(agents("--host", "flume-03", "--json")).as(err.toString()).isZero();
    assertThat(ids()).containsExactly("a3");

    assertThat(agents("--state", "DOWN", "--json")).as(err.toString()).isZero();
    assertThat(ids()).containsExactly("a2");

    assertThat(agents("--group", "ingest", "--state", "up,stuck")).as(err.toString()).isZero();
    assertThat(lines()).hasSize(2);
    assertThat(lines().get(1)).startsWith("a1");

    assertThat(agents("--group", "nobody", "--json")).isZero();
    assertThat(ids()).isEmpty();
  }

  @Test
  void anUnknownStateIsAUsageError() {
    assertThat(agents("--state", "SLEEPY")).isEqualTo(2);
    assertThat(err.toString().lines().toList())
        .singleElement()
        .asString()
        .contains("--state: 'SLEEPY' is not one of UP, STUCK, HUNG, DOWN");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aHostileAgentNodeIsEscapedAndCut() throws Exception {
    // Whoever can write to ZooKeeper writes the agent node itself: terminal escapes, bidirectional
    // overrides and a 64 KiB host.
    String host = "evil\u001b[2J\u202e" + "h".repeat(64 * 1024);
    JsonObject node =
        new JsonObject()
            .put("host", host)
            .put("group", "g\r\nroup\u0007")
            .put("crashCount", 3)
            .put("lastExit", new JsonObject().put("signal", "KILL\u001b[31m"));
    client.create().forPath(LAYOUT.agent("evil"), node.encode().getBytes(StandardCharsets.UTF_8));
    client
        .create()
        .forPath(LAYOUT.agents() + "/bad\u202eid", "{not json".getBytes(StandardCharsets.UTF_8));

    assertThat(agents()).as(err.toString()).isZero();

    String table = out.toString();
    assertThat(table).doesNotContain("\u001b", "\u202e", "\u0007", "\r");
    List<String> lines = lines();
    assertThat(lines).hasSize(6);
    String evil = lines.stream().filter(l -> l.startsWith("evil")).findFirst().orElseThrow();
    assertThat(evil).contains(" DOWN ", " 3 ").doesNotContain("hhh" + "h".repeat(300));
    assertThat(evil.length()).isLessThan(8 * (UntrustedText.MAX_VALUE_CHARS + 2));
    assertThat(table).contains("bad\\u202eid");
    assertThat(err.toString())
        .contains("flume-sentinel: agent bad\\u202eid: unreadable agent node")
        .doesNotContain("\u001b");

    assertThat(agents("--json")).as(err.toString()).isZero();
    JsonObject shown =
        json().stream()
            .map(JsonObject.class::cast)
            .filter(a -> a.getString("id").equals("evil"))
            .findFirst()
            .orElseThrow();
    assertThat(shown.getString("host")).hasSizeLessThanOrEqualTo(UntrustedText.MAX_VALUE_CHARS);
    assertThat(shown.getString("host")).doesNotContain("\u001b", "\u202e");
    assertThat(out.toString()).doesNotContain("\u001b");
  }

  @Test
  void alertsListsTheFiringAlertsOfTheLedger() throws Exception {
    fire("FlumeAgentDown", "a2", "CRASHED");
    fire("FlumeAgentStuck", "a3", "STUCK");
    TreeMap<String, String> labels =
        new TreeMap<>(Map.of("alertname", "FlumeAgentDown", "agent", "a1"));
    Alert resolved =
        new Alert(Alert.Status.FIRING, labels, new TreeMap<>(), KILLED_AT, null, "")
            .resolve(KILLED_AT.plusSeconds(5), Map.of());
    client
        .create()
        .forPath(
            LAYOUT.alert(resolved.key()),
            new LedgerRecord(resolved, Map.of("ops", "firing"), Map.of()).toBytes());
    assertThat(
            run(
                "silence",
                "add",
                "--zk",
                server.getConnectString(),
                "agent=a3",
                "--author",
                "alice",
                "--comment",
                "disk swap"))
        .as(err.toString())
        .isZero();
    String silence = out.toString().strip();

    assertThat(run("alerts", "--zk", server.getConnectString())).as(err.toString()).isZero();

    List<String> lines = lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("ALERTNAME").contains("AGENT", "REASON", "SINCE");
    assertThat(lines.get(1))
        .startsWith("FlumeAgentDown")
        .contains(" a2 ", "CRASHED", "2026-11-30T07:00:00Z")
        .endsWith("-");
    assertThat(lines.get(2)).startsWith("FlumeAgentStuck").contains(" a3 ", "STUCK", silence);

    assertThat(run("alerts", "--zk", server.getConnectString(), "--json"))
        .as(err.toString())
        .isZero();
    JsonArray alerts = json();
    assertThat(alerts.size()).isEqualTo(2);
    JsonObject down = alerts.getJsonObject(0);
    assertThat(down.getString("status")).isEqualTo("firing");
    assertThat(down.getJsonObject("labels").getString("agent")).isEqualTo("a2");
    assertThat(down.getJsonObject("annotations").getString("reason")).isEqualTo("CRASHED");
    assertThat(down.getJsonArray("silencedBy")).isEmpty();
    assertThat(alerts.getJsonObject(1).getJsonArray("silencedBy").getList())
        .containsExactly(silence);
  }

  @Test
  void anEmptyRootListsNothing() throws Exception {
    client.delete().deletingChildrenIfNeeded().forPath(LAYOUT.root());

    assertThat(agents("--json")).as(err.toString()).isZero();
    assertThat(ids()).isEmpty();
    assertThat(run("alerts", "--zk", server.getConnectString())).as(err.toString()).isZero();
    assertThat(lines()).hasSize(1);
  }

  @Test
  void anUnreachableZooKeeperIsOneLineOnStderrAndExitStatusOne() throws Exception {
    String nowhere = "127.0.0.1:" + Http.freePort();

    assertThat(run("agents", "--zk", nowhere)).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines().toList())
        .singleElement()
        .asString()
        .startsWith("flume-sentinel: cannot reach ZooKeeper at " + nowhere);

    assertThat(run("alerts", "--zk", nowhere, "--json")).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines().toList()).hasSize(1);
  }

  @Test
  void helpNamesTheFiltersAndTheZooKeeperOptions() throws Exception {
    assertThat(run("agents", "--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--zk=CONNECT",
            "--root",
            "--zk-auth",
            "--zk-tls-config",
            "--group",
            "--host",
            "--state",
            "--json");
    assertThat(run("alerts", "--help")).isZero();
    assertThat(out.toString()).contains("--zk=CONNECT", "--zk-auth", "--zk-tls-config", "--json");
  }

  @Test
  void aFleetOfSeveralMegabytesIsListedWhole() throws Exception {
    // 2,000 agent nodes of about 2 KB: 4 MB, which the reader splits into several byte-sized reads.
    Map<String, String> labels = Map.of("note", "x".repeat(2000));
    for (int from = 0; from < 2000; from += 200) {
      List<CuratorOp> creates = new ArrayList<>();
      for (int i = from; i < from + 200; i++) {
        creates.add(
            client
                .transactionOp()
                .create()
                .forPath(
                    LAYOUT.agent(String.format("big-%04d", i)),
                    AgentNode.of("h" + i, "big", labels).toBytes()));
      }
      client.transaction().forOperations(creates);
    }

    assertThat(agents("--group", "big", "--json")).as(err.toString()).isZero();

    List<String> ids = ids();
    assertThat(ids).hasSize(2000).startsWith("big-0000").endsWith("big-1999");
  }

  private List<String> ids() {
    return json().stream().map(a -> ((JsonObject) a).getString("id")).toList();
  }
}
