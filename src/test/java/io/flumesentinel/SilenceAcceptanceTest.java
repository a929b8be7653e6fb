package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.notify.webhook.CapturedLogs;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.silence.SilenceVerticle;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Silences end to end: the whole monitor against a real ZooKeeper and a real webhook receiver,
 * silences managed with the {@code silence} command run in-process. What is asserted is what a user
 * sees: webhooks, the public event-bus address, {@code /api/alerts} and {@code /api/silences}.
 */
class SilenceAcceptanceTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final AtomicInteger ROOTS = new AtomicInteger();
  private static TestingServer server;

  private String root;
  private CuratorFramework agentSide;
  private Registration agents;
  private WebhookReceiver hooks;
  private Monitor monitor;
  private final List<JsonObject> published = new CopyOnWriteArrayList<>();

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
    root = "/silence-acceptance-" + ROOTS.incrementAndGet();
    agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    agents = new Registration(AsyncCuratorFramework.wrap(agentSide), new ZkLayout(root));
    hooks = WebhookReceiver.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (monitor != null) {
      monitor.close();
    }
    hooks.close();
    agentSide.close();
  }

  @Test
  void aSilenceOnGroupIngestMutesOnlyIngestAgentsUntilItIsExpired() throws Exception {
    startMonitor();
    String silence =
        silence(
            "add", "group=ingest", "--duration", "2h", "--author", "ops", "--comment", "JIRA-7");
    awaitSilenceState(silence, "active");

    crash("i1", "ingest");
    JsonObject muted = awaitPublished("i1", "firing", List.of(silence));
    assertThat(muted.getJsonObject("annotations").getString("reason")).isEqualTo("CRASHED");
    crash("w1", "web");
    hooks.firing("w1").get(WAIT.toSeconds(), TimeUnit.SECONDS);

    // the ledger decided about i1 before w1 was even crashed: nothing was sent for it
    assertThat(hooks.alertsFor("i1")).isEmpty();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(apiAlert("i1").getJsonArray("silencedBy")).containsExactly(silence);
              assertThat(apiAlert("i1").getJsonObject("sent")).isEqualTo(new JsonObject());
              assertThat(apiAlert("w1").getJsonArray("silencedBy")).isEmpty();
              assertThat(apiAlert("w1").getJsonObject("sent"))
                  .isEqualTo(new JsonObject().put("hook", "firing"));
            });
    assertThat(apiAlerts("?silenced=true"))
        .extracting(SilenceAcceptanceTest::agent)
        .containsExactly("i1");
    assertThat(apiAlerts("?filter=group%3Dweb"))
        .extracting(SilenceAcceptanceTest::agent)
        .containsExactly("w1");

    // the silence ends while i1 is still down: its firing notice goes out now
    assertThat(cli("silence", "expire", silence)).isZero();
    hooks.firing("i1").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(hooks.alertsFor("i1"))
        .singleElement()
        .satisfies(a -> assertThat(a.annotation("reason")).isEqualTo("CRASHED"));
    awaitPublished("i1", "firing", List.of());
    awaitSilenceState(silence, "expired");

    recover("i1");
    await().atMost(WAIT).until(() -> hooks.alertsFor("i1").size() == 2);
    assertThat(hooks.alertsFor("i1").get(1).status()).isEqualTo("resolved");
  }

  @Test
  void anIncidentWhollyInsideASilenceSendsNothing() throws Exception {
    startMonitor();
    String silence = silence("add", "group=ingest", "--comment", "rolling restart");
    awaitSilenceState(silence, "active");

    crash("i2", "ingest");
    awaitPublished("i2", "firing", List.of(silence));
    recover("i2");
    awaitPublished("i2", "resolved", List.of(silence));
    crash("w2", "web");
    hooks.firing("w2").get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(hooks.alertsFor("i2")).isEmpty();
    await()
        .atMost(WAIT)
        .until(
            () ->
                apiAlerts("").stream()
                    .map(SilenceAcceptanceTest::agent)
                    .toList()
                    .equals(List.of("w2")));
  }

  @Test
  void aSilenceThatRunsOutLetsTheNoticeGoWhenItEnds() throws Exception {
    startMonitor();
    // Long enough for the crash to be decided inside it on a busy machine.
    String silence = silence("add", "group=ingest", "--duration", "8s", "--comment", "short");
    awaitSilenceState(silence, "active");
    Instant endsAt = Instant.parse(apiSilence(silence).getString("endsAt"));

    crash("i3", "ingest");
    awaitPublished("i3", "firing", List.of(silence));

    hooks.firing("i3").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(Instant.now()).isAfterOrEqualTo(endsAt);
    assertThat(hooks.alertsFor("i3")).hasSize(1);
  }

  @Test
  void aSilenceSurvivesAMonitorRestart() throws Exception {
    // added while no monitor runs: it is in ZooKeeper, not in a monitor
    String silence = silence("add", "group=ingest", "--duration", "1h", "--comment", "migration");
    startMonitor();
    crash("i4", "ingest");
    awaitPublished("i4", "firing", List.of(silence));
    monitor.close();
    monitor = null;
    published.clear();

    startMonitor();
    assertThat(apiSilence(silence).getJsonObject("status").getString("state")).isEqualTo("active");
    // the alert is still firing and on record, unsent; the restarted monitor does not send it
    crash("w4", "web");
    hooks.firing("w4").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(hooks.alertsFor("i4")).isEmpty();
    assertThat(apiAlert("i4").getJsonArray("silencedBy")).containsExactly(silence);

    assertThat(cli("silence", "expire", silence)).isZero();
    hooks.firing("i4").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(hooks.alertsFor("i4"))
        .singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo("firing"));
  }

  @Test
  void aSilenceWrittenRawThatMatchesEverythingMutesNothingAndIsListedInvalid() throws Exception {
    CapturedLogs logs = CapturedLogs.of(SilenceVerticle.class);
    try {
      startMonitor();
      // as anyone who can write to ZooKeeper can write it, without the command's checks
      writeRaw("evil", "alertname", ".*", Instant.now().minusSeconds(60), FAR_FUTURE);
      // a silence that names something, but would last for ever
      writeRaw("ever", "group", "ingest", Instant.now().minusSeconds(60), FAR_FUTURE);
      awaitSilenceState("evil", "invalid");
      awaitSilenceState("ever", "invalid");
      assertThat(apiSilence("evil").getJsonObject("status").getString("problem"))
          .contains("the silence would mute nearly everything")
          .contains("alertname=~\".*\"");
      assertThat(apiSilence("ever").getJsonObject("status").getString("problem"))
          .contains("longer than the 30d a silence may last");
      assertThat(new JsonObject(Http.get(monitor.httpPort(), "/status")).getJsonObject("silences"))
          .isEqualTo(new JsonObject().put("active", 0).put("pending", 0).put("invalid", 2));

      crash("x1", "ingest");
      hooks.firing("x1").get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(hooks.alertsFor("x1"))
          .singleElement()
          .satisfies(a -> assertThat(a.annotation("reason")).isEqualTo("CRASHED"));
      awaitPublished("x1", "firing", List.of());

      // another silence makes the monitor read them all again: the refusals are not logged again
      String ok = silence("add", "group=web", "--comment", "deploy");
      awaitSilenceState(ok, "active");
      assertThat(logs.at(Level.WARN, "Refusing silence evil")).hasSize(1);
      assertThat(logs.at(Level.WARN, "Refusing silence ever")).hasSize(1);

      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      assertThat(cli(out, err, "silence", "list")).isZero();
      assertThat(out.toString().lines())
          .anySatisfy(line -> assertThat(line).startsWith("evil").contains(" invalid "))
          .anySatisfy(line -> assertThat(line).startsWith("ever").contains(" invalid "))
          .anySatisfy(line -> assertThat(line).startsWith(ok).contains(" active "));
      assertThat(err.toString())
          .contains(
              "flume-sentinel: silence evil is invalid and mutes nothing: every matcher also");
    } finally {
      logs.detach();
    }
  }

  private static final Instant FAR_FUTURE = Instant.parse("9999-12-31T00:00:00Z");

  private void writeRaw(String id, String label, String regex, Instant start, Instant end)
      throws Exception {
    JsonObject json =
        new JsonObject()
            .put(
                "matchers",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", label)
                            .put("value", regex)
                            .put("isRegex", true)
                            .put("isEqual", true)))
            .put("startsAt", start.toString())
            .put("endsAt", end.toString())
            .put("createdBy", "ops-oncall")
            .put("comment", "maintenance");
    agentSide
        .create()
        .creatingParentsIfNeeded()
        .forPath(
            new ZkLayout(root).silence(id),
            json.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private void startMonitor() throws Exception {
    ZkConfig defaults = ZkConfig.of(server.getConnectString());
    ZkConfig zk =
        new ZkConfig(
            server.getConnectString(),
            root,
            defaults.sessionTimeout(),
            defaults.connectionTimeout(),
            defaults.embeddedPort(),
            defaults.embeddedDataDir());
    MonitorConfig config =
        new MonitorConfig(
            zk,
            new HttpConfig("127.0.0.1", 0),
            ClassifierConfig.defaults(),
            List.of(WebhookReceiverConfig.of("hook", List.of(hooks.url()))),
            "");
    monitor = Monitor.start(config, Clock.systemUTC());
    monitor.vertx().eventBus().<JsonObject>consumer(Addresses.ALERTS, m -> published.add(m.body()));
    await().atMost(WAIT).until(monitor.readiness()::ready);
  }

  /** Runs {@code silence …} against this test's ZooKeeper and root; returns what it printed. */
  private String silence(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = FlumeSentinel.commandLine(config -> {});
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 5];
    full[0] = "silence";
    System.arraycopy(args, 0, full, 1, args.length);
    System.arraycopy(
        new String[] {"--zk", server.getConnectString(), "--root", root},
        0,
        full,
        args.length + 1,
        4);
    int status = commandLine.execute(full);
    assertThat(status).as("exit status; stderr: %s", err).isZero();
    return out.toString().strip();
  }

  private int cli(String... args) {
    return cli(new StringWriter(), new StringWriter(), args);
  }

  private int cli(StringWriter out, StringWriter err, String... args) {
    String[] full = new String[args.length + 4];
    System.arraycopy(args, 0, full, 0, args.length);
    System.arraycopy(
        new String[] {"--zk", server.getConnectString(), "--root", root}, 0, full, args.length, 4);
    CommandLine commandLine = FlumeSentinel.commandLine(config -> {});
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(full);
  }

  private void crash(String id, String group) throws Exception {
    agents.register(id, AgentNode.of("h-" + id, group, Map.of())).toCompletableFuture().get();
    agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    agents
        .recordCrash(id, new ExitRecord(null, "KILL", Instant.now(), ""))
        .toCompletableFuture()
        .get();
    agents.dropLive(id).toCompletableFuture().get();
  }

  private void recover(String id) throws Exception {
    agents.goLive(id, new LiveNode(2, Instant.now(), "", 1)).toCompletableFuture().get();
  }

  /** Waits for {@code agent}'s alert with {@code status} and exactly these silences on the bus. */
  private JsonObject awaitPublished(String agent, String status, List<String> silencedBy) {
    Optional<JsonObject>[] found = new Optional[1];
    await()
        .atMost(WAIT)
        .until(
            () ->
                (found[0] =
                        published.stream()
                            .filter(a -> agent(a).equals(agent))
                            .filter(a -> a.getString("status").equals(status))
                            .filter(
                                a ->
                                    a.getJsonArray("silencedBy")
                                        .equals(new JsonArray(List.copyOf(silencedBy))))
                            .findFirst())
                    .isPresent());
    return found[0].get();
  }

  private void awaitSilenceState(String id, String state) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonObject silence = apiSilence(id);
              return silence != null
                  && silence.getJsonObject("status").getString("state").equals(state);
            });
  }

  private JsonObject apiSilence(String id) throws Exception {
    JsonArray silences = new JsonArray(Http.get(monitor.httpPort(), "/api/silences"));
    return silences.stream()
        .map(JsonObject.class::cast)
        .filter(s -> s.getString("id").equals(id))
        .findFirst()
        .orElse(null);
  }

  private List<JsonObject> apiAlerts(String query) throws Exception {
    return new JsonArray(Http.get(monitor.httpPort(), "/api/alerts" + query))
        .stream().map(JsonObject.class::cast).toList();
  }

  private JsonObject apiAlert(String agent) throws Exception {
    return apiAlerts("").stream()
        .filter(a -> agent(a).equals(agent))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no alert for " + agent + " in /api/alerts"));
  }

  private static String agent(JsonObject alert) {
    return alert.getJsonObject("labels").getString("agent");
  }
}
