package io.flumesentinel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.HeadlessChromium;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium, against the whole monitor (tokens on) on a real
 * ZooKeeper with a real webhook receiver: what an operator sees on the page, without reloading it.
 * Screenshots of each step are kept under {@code target/dashboard-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium}; run with {@code mvn -Pbrowser test} (tag {@code browser}, out
 * of the default build).
 */
@Tag("browser")
class DashboardBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String READ = "browser-read-token-0123456789abcdef";
  private static final String WRITE = "browser-write-token-0123456789abcdef";
  private static final Path SHOTS = Path.of("target", "dashboard-screenshots");
  private static final String ROOT = "/dashboard-browser";

  @TempDir Path dir;
  private TestingServer zooKeeper;
  private WebhookReceiver hooks;
  private Monitor monitor;
  private CuratorFramework agentSide;
  private Registration agents;
  private HeadlessChromium browser;
  private String test;

  @BeforeEach
  void start(TestInfo info) throws Exception {
    test = info.getTestMethod().orElseThrow().getName();
    zooKeeper = Zk.server();
    hooks = WebhookReceiver.start();
    MonitorConfig config =
        ConfigLoader.parse(
            "zookeeper: { connect: '"
                + zooKeeper.getConnectString()
                + "', root: "
                + ROOT
                + " }\n"
                + "http: { host: 127.0.0.1, port: 0, auth: { readTokenEnv: R, writeTokenEnv: W } }\n"
                + "receivers:\n"
                + "  - { name: hook, type: webhook, urls: ['"
                + hooks.url()
                + "'] }\n",
            "monitor.yaml",
            Map.of("R", READ, "W", WRITE)::get);
    monitor = Monitor.start(config, Clock.systemUTC());
    await().atMost(WAIT).until(monitor.readiness()::ready);
    agentSide = Zk.client(zooKeeper.getConnectString(), Duration.ofSeconds(5));
    agents = new Registration(AsyncCuratorFramework.wrap(agentSide), new ZkLayout(ROOT));
    browser = HeadlessChromium.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.screenshot(SHOTS.resolve(test + "-last.png"));
      browser.close();
    }
    if (monitor != null) {
      monitor.close();
    }
    if (agentSide != null) {
      agentSide.close();
    }
    hooks.close();
    zooKeeper.close();
  }

  @Test
  void aKilledAgentShowsDownWithinOneSecondWithoutAReload() throws Exception {
    openDashboard(READ);
    // The agent runs with a ZooKeeper session of its own, as a supervisor does.
    CuratorFramework agentSession = Zk.client(zooKeeper.getConnectString(), Duration.ofSeconds(5));
    Registration own =
        new Registration(AsyncCuratorFramework.wrap(agentSession), new ZkLayout(ROOT));
    own.register("ingest-1", AgentNode.of("host-a", "ingest", Map.of()))
        .toCompletableFuture()
        .get();
    own.goLive("ingest-1", new LiveNode(4242, Instant.now(), "", 0)).toCompletableFuture().get();
    await().atMost(WAIT).until(() -> "UP".equals(stateOf("ingest-1")));
    browser.evaluate("window.sameDocument = 'not reloaded'");
    browser.screenshot(SHOTS.resolve("1-agent-up.png"));

    agentSession.close(); // its session ends: the live node goes with it

    await()
        .atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> "DOWN".equals(stateOf("ingest-1")));
    assertThat(browser.evaluate("window.sameDocument")).isEqualTo("not reloaded");
    browser.screenshot(SHOTS.resolve("2-agent-down.png"));

    hooks.firing("ingest-1").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> alertRows("ingest-1") > 0);
    assertThat(browser.evaluate("window.sameDocument")).isEqualTo("not reloaded");
    browser.screenshot(SHOTS.resolve("3-alert-firing.png"));
  }

  @Test
  void aSilenceCreatedOnThePageMutesTheNextAlert() throws Exception {
    openDashboard(WRITE);
    browser.evaluate(
        "(() => {"
            + " document.getElementById('silence-matchers').value = 'group=\"batch\"';"
            + " document.getElementById('silence-by').value = 'ops';"
            + " document.getElementById('silence-comment').value = 'batch hosts patched';"
            + " document.getElementById('silence-form').requestSubmit();"
            + " return true; })()");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(text("silence-result")).as("the page's answer").endsWith(" created."));
    await()
        .atMost(WAIT)
        .until(
            () ->
                Boolean.TRUE.equals(
                    browser.evaluate(
                        "[...document.querySelectorAll('tr.silence')]"
                            + ".some(r => r.dataset.state === 'active'"
                            + " && r.textContent.includes('group=\"batch\"'))")));
    browser.screenshot(SHOTS.resolve("4-silence-created.png"));

    crash("batch-1", "batch");
    crash("web-1", "web");
    // web-1 is not silenced: once its notice arrived, batch-1's would have been sent before it.
    hooks.firing("web-1").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(hooks.alertsFor("batch-1")).isEmpty();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(stateOf("batch-1")).isEqualTo("DOWN");
              assertThat(
                      browser.evaluate(
                          "[...document.querySelectorAll('tr.alert')]"
                              + ".filter(r => r.dataset.agent === 'batch-1')"
                              + ".map(r => r.querySelector('.alert-state').textContent).join()"))
                  .isEqualTo("silenced");
            });
    browser.screenshot(SHOTS.resolve("5-alert-silenced.png"));
    assertThat(hooks.alertsFor("batch-1")).isEmpty();
  }

  /** Opens the page, which asks for a token, and gives it {@code token}. */
  private void openDashboard(String token) throws Exception {
    browser.navigate("http://127.0.0.1:" + monitor.httpPort() + "/");
    await()
        .atMost(WAIT)
        .until(
            () ->
                Boolean.FALSE.equals(
                    browser.evaluate("document.getElementById('token-form').hidden")));
    browser.evaluate(
        "(() => { document.getElementById('token').value = "
            + HeadlessChromium.literal(token)
            + "; document.getElementById('token-form').requestSubmit(); return true; })()");
    await().atMost(WAIT).until(() -> "live".equals(text("live")));
  }

  private void crash(String id, String group) throws Exception {
    agents.register(id, AgentNode.of("host-" + id, group, Map.of())).toCompletableFuture().get();
    agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    agents
        .recordCrash(id, new ExitRecord(null, "KILL", Instant.now(), ""))
        .toCompletableFuture()
        .get();
    agents.dropLive(id).toCompletableFuture().get();
  }

  /** The state badge of agent {@code id} in the fleet, or null when the fleet does not show it. */
  private Object stateOf(String id) throws Exception {
    return browser.evaluate(
        "(() => { const li = [...document.querySelectorAll('li.agent')]"
            + ".find(e => e.dataset.agent === "
            + HeadlessChromium.literal(id)
            + "); return li ? li.querySelector('.badge').textContent : null; })()");
  }

  private int alertRows(String agent) throws Exception {
    Object rows =
        browser.evaluate(
            "[...document.querySelectorAll('tr.alert')].filter(r => r.dataset.agent === "
                + HeadlessChromium.literal(agent)
                + ").length");
    return ((Number) rows).intValue();
  }

  private String text(String elementId) throws Exception {
    return String.valueOf(
        browser.evaluate(
            "document.getElementById(" + HeadlessChromium.literal(elementId) + ").textContent"));
  }
}
