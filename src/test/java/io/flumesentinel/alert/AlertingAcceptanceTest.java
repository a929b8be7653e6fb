package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.AnnotationsConfig;
import io.flumesentinel.config.BackoffConfig;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.ReceiverConfig;
import io.flumesentinel.config.ReceiverFailingConfig;
import io.flumesentinel.config.ReceiverOptions;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.config.RunbookTemplate;
import io.flumesentinel.config.WatchdogConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alerts that say what to do, and the alerts about the alerting, as receivers get them: a whole
 * monitor against a real ZooKeeper, delivering to real webhook receivers ({@code ops} takes the
 * agents' alerts and has {@code pager} as its fallback; {@code deadman} takes the Watchdog).
 */
class AlertingAcceptanceTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final BackoffConfig QUICK =
      new BackoffConfig(Duration.ofMillis(50), Duration.ofMillis(200), 2.0, 0);

  private TestingServer server;
  private WebhookReceiver ops;
  private WebhookReceiver pager;
  private WebhookReceiver deadman;
  private Monitor monitor;
  private CuratorFramework agentSide;
  private Registration agents;

  @BeforeEach
  void start() throws Exception {
    server = Zk.server();
    ops = WebhookReceiver.start();
    pager = WebhookReceiver.start();
    deadman = WebhookReceiver.start();
    ZkLayout layout = ZkLayout.defaults();
    ZkConfig defaults = ZkConfig.of(server.getConnectString());
    ZkConfig zk =
        new ZkConfig(
            server.getConnectString(),
            layout.root(),
            defaults.sessionTimeout(),
            defaults.connectionTimeout(),
            defaults.embeddedPort(),
            defaults.embeddedDataDir());
    List<ReceiverConfig> receivers =
        List.of(
            webhook("ops", ops, new ReceiverOptions("pager", Duration.ofMillis(500), null)),
            webhook("pager", pager, ReceiverOptions.NONE),
            webhook("deadman", deadman, ReceiverOptions.NONE));
    RouteConfig payments =
        new RouteConfig(
            Map.of("group", "payments"),
            Map.of(),
            List.of("ops"),
            false,
            List.of(),
            GroupingConfig.DEFAULT,
            RunbookTemplate.read(
                "route.routes[0].runbookUrl", "https://payments.example.com/{{agent}}"));
    RouteConfig route =
        new RouteConfig(
            Map.of(), Map.of(), List.of("ops"), false, List.of(payments), GroupingConfig.DEFAULT);
    MonitorConfig config =
        new MonitorConfig(
                zk,
                new HttpConfig("127.0.0.1", 0),
                ClassifierConfig.defaults(),
                receivers,
                "",
                route,
                null,
                null,
                null,
                null)
            .withAlerting(
                new AnnotationsConfig(
                    RunbookTemplate.read(
                        "annotations.runbookUrl",
                        "https://wiki.example.com/runbooks/{{alertname}}?agent={{agent}}")),
                new WatchdogConfig(true, Duration.ofMillis(300), "deadman"),
                ReceiverFailingConfig.defaults());
    monitor = Monitor.start(config, Clock.systemUTC());
    await().atMost(WAIT).until(monitor.readiness()::ready);
    agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    agents = new Registration(AsyncCuratorFramework.wrap(agentSide), layout);
  }

  private static WebhookReceiverConfig webhook(
      String name, WebhookReceiver receiver, ReceiverOptions options) {
    WebhookReceiverConfig plain = WebhookReceiverConfig.of(name, List.of(receiver.url()));
    return new WebhookReceiverConfig(
        name,
        plain.urls(),
        plain.connectTimeout(),
        plain.requestTimeout(),
        plain.maxBatch(),
        plain.queueCapacity(),
        QUICK,
        null,
        options);
  }

  @AfterEach
  void stop() throws Exception {
    agentSide.close();
    monitor.close();
    ops.close();
    pager.close();
    deadman.close();
    server.close();
  }

  private String externalUrl() {
    return "http://127.0.0.1:" + monitor.httpPort();
  }

  private void run(String agent, String group, long pid, long crashCount) throws Exception {
    if (crashCount == 0) {
      agents
          .register(agent, AgentNode.of("flume-07", group, Map.of()))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
    agents
        .goLive(agent, new LiveNode(pid, Instant.now(), "", crashCount))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private void crash(String agent, ExitRecord exit) throws Exception {
    agents.recordCrash(agent, exit).toCompletableFuture().get(10, TimeUnit.SECONDS);
    agents.dropLive(agent).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private List<WebhookReceiver.Received> received(WebhookReceiver receiver, String agent) {
    return receiver.alertsFor(agent);
  }

  @Test
  void aCrashSaysWhatTheSupervisorDoesNextLinksItsRunbookAndPageAndItsEndSaysHowAndAfterHowLong()
      throws Exception {
    run("a1", "ingest", 4100, 0);
    crash(
        "a1",
        new ExitRecord(null, "KILL", Instant.now(), "oops")
            .ofRun(4100L, Duration.ofMillis(5000))
            .restartingIn(Duration.ofSeconds(1)));
    await().atMost(WAIT).until(() -> !received(ops, "a1").isEmpty());
    WebhookReceiver.Received firing = received(ops, "a1").get(0);
    assertThat(firing.status()).isEqualTo("firing");
    assertThat(firing.alert().getJsonObject("annotations").getMap())
        .containsEntry("pid", "4100")
        .containsEntry("ranForMs", "5000")
        .containsEntry("restartInMs", "1000")
        .containsEntry("runbook_url", "https://wiki.example.com/runbooks/FlumeAgentDown?agent=a1")
        .containsEntry(
            "summary",
            "Flume agent a1 on flume-07 crashed (signal KILL) after running 5.0 s; restarting in"
                + " 1.0 s");
    assertThat(firing.alert().getString("generatorURL")).isEqualTo(externalUrl() + "/#/agents/a1");
    JsonObject body =
        ops.bodies().stream().filter(b -> b.encode().contains("\"a1\"")).findFirst().orElseThrow();
    assertThat(body.getString("externalURL")).isEqualTo(externalUrl());

    run("a1", "ingest", 4200, 1);
    await().atMost(WAIT).until(() -> received(ops, "a1").size() >= 2);
    WebhookReceiver.Received resolved = received(ops, "a1").get(1);
    assertThat(resolved.status()).isEqualTo("resolved");
    assertThat(resolved.annotation("resolution")).isEqualTo("RECOVERED");
    assertThat(resolved.annotation("runningPid")).isEqualTo("4200");
    assertThat(resolved.annotation("duration")).isNotEmpty();
    assertThat(resolved.annotation("summary"))
        .startsWith("Flume agent a1 on flume-07 recovered after ")
        .endsWith(": running again with pid 4200");
    assertThat(resolved.annotation("description"))
        .startsWith("Was: Flume agent a1 on flume-07 crashed (signal KILL)");
  }

  @Test
  void aRouteLinksItsOwnRunbookAndAnAgentWhoseSupervisorGaveUpSaysSo() throws Exception {
    run("p1", "payments", 77, 0);
    crash(
        "p1",
        new ExitRecord(3, null, Instant.now(), "config broken")
            .ofRun(77L, Duration.ofMillis(800))
            .givenUp("started 5 times within 120000 ms (start limit 5); last exit code 3"));
    await().atMost(WAIT).until(() -> !received(ops, "p1").isEmpty());
    WebhookReceiver.Received firing = received(ops, "p1").get(0);
    assertThat(firing.annotation("runbook_url")).isEqualTo("https://payments.example.com/p1");
    assertThat(firing.annotation("gaveUp"))
        .isEqualTo("started 5 times within 120000 ms (start limit 5); last exit code 3");
    assertThat(firing.annotation("restartInMs")).isNull();
    assertThat(firing.annotation("summary"))
        .isEqualTo(
            "Flume agent p1 on flume-07 crashed (exit code 3) after running 800 ms; its supervisor"
                + " gave up: started 5 times within 120000 ms (start limit 5); last exit code 3");

    // Deregistered while down: the end says so.
    agents.deregister("p1").toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> received(ops, "p1").size() >= 2);
    assertThat(received(ops, "p1").get(1).annotation("summary"))
        .startsWith("Flume agent p1 on flume-07 was deregistered after ")
        .endsWith(": a deliberate stop");
  }

  @Test
  void theWatchdogReachesItsReceiverEveryInterval() {
    await().atMost(WAIT).until(() -> deadman.bodies().size() >= 3);
    for (JsonObject body : deadman.bodies().subList(0, 3)) {
      assertThat(body.getString("status")).isEqualTo("firing");
      assertThat(body.getString("externalURL")).isEqualTo(externalUrl());
      JsonObject alert = body.getJsonArray("alerts").getJsonObject(0);
      assertThat(alert.getJsonObject("labels").getString("alertname")).isEqualTo("Watchdog");
      assertThat(alert.getJsonObject("labels").getString("severity")).isEqualTo("none");
      assertThat(alert.getString("status")).isEqualTo("firing");
    }
    // Nothing else goes there, and the Watchdog goes nowhere else.
    assertThat(deadman.alerts())
        .allSatisfy(
            a ->
                assertThat(a.alert().getJsonObject("labels").getString("alertname"))
                    .isEqualTo("Watchdog"));
    assertThat(ops.bodies()).noneMatch(b -> b.encode().contains("Watchdog"));
  }

  @Test
  void aReceiverFailingForItsTimeIsReportedToItsFallbackAndResolvedWhenItRecovers()
      throws Exception {
    ops.answer(503);
    run("f1", "ingest", 10, 0);
    crash("f1", new ExitRecord(1, null, Instant.now(), ""));
    await()
        .atMost(WAIT)
        .until(() -> pager.alerts().stream().anyMatch(a -> a.status().equals("firing")));
    WebhookReceiver.Received failing = pager.alerts().get(0);
    assertThat(failing.alert().getJsonObject("labels").getMap())
        .containsEntry("alertname", "FlumeSentinelReceiverFailing")
        .containsEntry("receiver", "ops")
        .containsEntry("severity", "critical");
    assertThat(failing.annotation("error")).contains("503");
    assertThat(ops.alertsFor("f1")).isEmpty();

    ops.answer(200);
    await()
        .atMost(WAIT)
        .until(() -> pager.alerts().stream().anyMatch(a -> a.status().equals("resolved")));
    WebhookReceiver.Received recovered =
        pager.alerts().stream()
            .filter(a -> a.status().equals("resolved"))
            .findFirst()
            .orElseThrow();
    assertThat(recovered.alert().getJsonObject("labels").getString("receiver")).isEqualTo("ops");
    assertThat(recovered.annotation("summary")).contains("ops").contains("accepts alerts again");
    // What waited for ops is delivered once it is back.
    await().atMost(WAIT).until(() -> !ops.alertsFor("f1").isEmpty());
  }
}
