package io.flumesentinel;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.flumesentinel.config.ConfigException;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.ConfigOverrides;
import io.flumesentinel.config.MailReceiverConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.ReceiverConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.notify.robot.RobotStandIn;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code conf/monitor-routes.yaml}, read as shipped by the real config reader, runs a monitor
 * against real peers: a ZooKeeper server, a Vert.x webhook receiver, an SMTP server (GreenMail) and
 * a DingTalk stand-in that verifies signatures.
 *
 * <p>What is substituted, and how: ZooKeeper and the HTTP port through the command-line overrides
 * ({@code --zk}, {@code --root}, {@code --http-port}); the DingTalk robot through the environment
 * variables the file names ({@code DINGTALK_URL}, {@code DINGTALK_SECRET}); the webhook URL and the
 * mail relay's host and port, which the file writes literally, by replacing only those values in
 * the config the file produced. Names, routes, grouping and every other setting are the file's.
 */
class ShippedRoutesTest {

  private static final Path SHIPPED = Path.of("conf", "monitor-routes.yaml");
  private static final String SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration DINGTALK_WINDOW = Duration.ofMinutes(1);
  private static final int DINGTALK_PER_WINDOW = 20;
  private static final Pattern MAIL_AGENT = Pattern.compile("(?m)^  Agent: +(\\S+)$");

  /** host-a's group; a message of one alert names its agent too. */
  private static final String GROUP_TITLE =
      "\\[FIRING:\\d+\\] FlumeAgentDown \\((agent-\\d+, )?host-a, ingest\\)";

  private static final Pattern ROBOT_AGENT = Pattern.compile("\\] FlumeAgentDown: (\\S+)");

  @TempDir Path dir;

  private final ZkLayout layout = new ZkLayout("/shipped");
  private TestingServer server;
  private CuratorFramework agentSide;
  private Registration agents;
  private WebhookReceiver webhook;
  private GreenMail smtp;
  private Vertx peers;
  private RobotStandIn dingtalk;
  private Monitor monitor;

  @BeforeEach
  void startPeers() throws Exception {
    server = Zk.server();
    agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    agents = new Registration(AsyncCuratorFramework.wrap(agentSide), layout);
    webhook = WebhookReceiver.start();
    smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    peers = Vertx.vertx();
    dingtalk = RobotStandIn.dingtalk(peers, SECRET).await(5, SECONDS);
  }

  @AfterEach
  void stopAll() throws Exception {
    if (monitor != null) {
      monitor.close();
    }
    peers.close().await(10, SECONDS);
    smtp.stop();
    webhook.close();
    agentSide.close();
    server.close();
  }

  @Test
  void twentyAgentsOfOneHostDyingWithinASecondReachEachReceiverAsFewMessagesListingAllInOrder()
      throws Exception {
    List<String> ids =
        IntStream.range(0, 20).mapToObj(i -> String.format("agent-%02d", i)).toList();
    for (String id : ids) {
      registerRunning(id, "host-a");
    }
    startMonitor();

    // host-a dies: its agents' live nodes go in one transaction, as when ZooKeeper ends the session
    // of a host that holds them all.
    List<CuratorOp> deletes = new ArrayList<>();
    for (String id : ids) {
      deletes.add(agentSide.transactionOp().delete().forPath(layout.live(id)));
    }
    agentSide.transaction().forOperations(deletes);

    await().atMost(WAIT).until(() -> webhook.alerts().size() == ids.size());
    await().atMost(WAIT).until(() -> mailedAgents().size() == ids.size());
    await().atMost(WAIT).until(() -> robotAgents().size() == ids.size());

    // groupInterval 1s: each receiver gets the first agent at once and the 19 others in one more
    // message.
    // The webhook: one group, Alertmanager's key for the first child route and host-a.
    List<JsonObject> bodies = webhook.bodies();
    assertThat(bodies).hasSizeBetween(1, 2);
    assertThat(webhookAgents()).containsExactlyElementsOf(ids);
    for (JsonObject body : bodies) {
      assertThat(body.getString("receiver")).isEqualTo("ops-webhook");
      assertThat(body.getString("groupKey"))
          .isEqualTo("{}/{}:{alertname=\"FlumeAgentDown\", host=\"host-a\"}");
      assertThat(body.getJsonObject("groupLabels"))
          .isEqualTo(new JsonObject().put("alertname", "FlumeAgentDown").put("host", "host-a"));
    }

    // The mail: few mails, each naming the group, listing every agent in order.
    List<MimeMessage> mails = List.of(smtp.getReceivedMessages());
    assertThat(mails).hasSizeBetween(1, 2);
    for (MimeMessage mail : mails) {
      assertThat(mail.getSubject()).matches(GROUP_TITLE);
    }
    assertThat(mailedAgents()).containsExactlyElementsOf(ids);

    // DingTalk: every message signed and accepted, never more than its rate limit allows, every
    // agent in order.
    List<RobotStandIn.Message> messages = dingtalk.messages();
    assertThat(messages).allMatch(RobotStandIn.Message::accepted);
    // DingTalk's rule: at most 20 messages in any minute.
    for (RobotStandIn.Message first : messages) {
      long inItsMinute =
          messages.stream()
              .filter(m -> m.arrivedNanos() >= first.arrivedNanos())
              .filter(m -> m.arrivedNanos() - first.arrivedNanos() < DINGTALK_WINDOW.toNanos())
              .count();
      assertThat(inItsMinute).isLessThanOrEqualTo(DINGTALK_PER_WINDOW);
    }
    assertThat(messages).hasSizeBetween(1, 2);
    for (RobotStandIn.Message message : messages) {
      assertThat(message.body().getJsonObject("markdown").getString("title")).matches(GROUP_TITLE);
    }
    assertThat(robotAgents()).containsExactlyElementsOf(ids);
  }

  @Test
  void stuckAgentsGoToTheWebhookOnlyAndEachHostIsAGroupOfItsOwn() throws Exception {
    registerRunning("s1", "host-b");
    registerRunning("d1", "host-c");
    startMonitor();

    agents
        .update(
            "s1",
            AgentNode.of("host-b", "ingest", Map.of())
                .withHealth(
                    new Health(
                        Health.Status.STUCK,
                        "channel c1 is 100% full",
                        Instant.now(),
                        Map.of("channel", "c1"))))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> webhook.alerts().size() == 1);
    agents.dropLive("d1").toCompletableFuture().get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> webhook.alerts().size() == 2);
    await().atMost(WAIT).until(() -> mailedAgents().size() == 1);
    await().atMost(WAIT).until(() -> robotAgents().size() == 1);
    assertThat(webhook.bodies())
        .extracting(body -> body.getString("groupKey"))
        .containsExactly(
            "{}/{}:{alertname=\"FlumeAgentStuck\", host=\"host-b\"}",
            "{}/{}:{alertname=\"FlumeAgentDown\", host=\"host-c\"}");
    assertThat(mailedAgents()).containsExactly("d1");
    assertThat(smtp.getReceivedMessages()[0].getSubject())
        .isEqualTo("[FIRING:1] FlumeAgentDown (d1, host-c, ingest)");
    assertThat(robotAgents()).containsExactly("d1");
  }

  @Test
  void withoutTheEnvironmentItNamesTheMissingVariableAndExitsWith2() throws Exception {
    List<MonitorConfig> launched = new ArrayList<>();
    StringWriter err = new StringWriter();
    var commandLine = FlumeSentinel.commandLine(launched::add);
    commandLine.setErr(new PrintWriter(err, true));

    int status = commandLine.execute("monitor", "--config", SHIPPED.toString());

    assertThat(status).isEqualTo(2);
    assertThat(launched).isEmpty();
    assertThat(err.toString().lines().toList())
        .containsExactly(
            "flume-sentinel: config error: receivers[2].urlEnv: the environment variable"
                + " DINGTALK_URL is not set");
  }

  @ParameterizedTest(name = "{2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"http://alert-bridge.ops.example.com:9095/flume\"|\"htp://bridge\"|"
            + "receivers[0].urls[0]: 'htp://bridge' is not an http or https URL",
        "port: 25|port: 250000|receivers[1].port: must be between 1 and 65535, got 250000",
        "[ \"flume-oncall@example.com\" ]|[ \"flume-oncall\" ]|"
            + "receivers[1].to[0]: 'flume-oncall' is not a mail address (like ops@example.com)",
        "secretEnv: DINGTALK_SECRET|secretEnv: SEC0123456789abcdef0123|"
            + "receivers[2].secretEnv: must be the name of an environment variable (like"
            + " ROBOT_SECRET), not the secret itself",
        "receivers: [ oncall-mail, oncall-dingtalk ]|receivers: [ oncall-mail, dingtalk ]|"
            + "route.routes[1].receivers[1]: no receiver named 'dingtalk'; receivers are"
            + " oncall-dingtalk, oncall-mail, ops-webhook",
        "repeatInterval: 1h|repeatInterval: 1 hour|"
            + "route.routes[1].repeatInterval: must be a duration like 30s, 5m or 4h, got '1 hour'"
      })
  void aBrokenKeyOfTheShippedFileIsOneLineNamingIt(String written, String broken, String message)
      throws Exception {
    String text = Files.readString(SHIPPED);
    assertThat(text).contains(written);

    assertThatThrownBy(
            () -> ConfigLoader.parse(text.replace(written, broken), "x.yaml", environment()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  private Map<String, String> environment() {
    return Map.of("DINGTALK_URL", dingtalk.url(), "DINGTALK_SECRET", SECRET);
  }

  /** The shipped file, with ZooKeeper, ports and the two literal addresses pointing here. */
  private void startMonitor() throws Exception {
    MonitorConfig shipped =
        ConfigLoader.parse(Files.readString(SHIPPED), SHIPPED.toString(), environment()::get);
    MonitorConfig overridden =
        new ConfigOverrides(server.getConnectString(), layout.root(), 0, null, null)
            .applyTo(shipped);
    List<ReceiverConfig> receivers = new ArrayList<>();
    for (ReceiverConfig receiver : overridden.receivers()) {
      receivers.add(local(receiver));
    }
    MonitorConfig config =
        new MonitorConfig(
            overridden.zookeeper(),
            overridden.http(),
            overridden.classifier(),
            receivers,
            overridden.externalUrl(),
            overridden.route());
    assertThat(config.route()).isEqualTo(shipped.route());
    monitor = Monitor.start(config, Clock.systemUTC());
    await().atMost(WAIT).until(() -> monitor.readiness().ready());
  }

  private ReceiverConfig local(ReceiverConfig receiver) {
    if (receiver instanceof WebhookReceiverConfig w) {
      return new WebhookReceiverConfig(
          w.name(),
          List.of(webhook.url()),
          w.connectTimeout(),
          w.requestTimeout(),
          w.maxBatch(),
          w.queueCapacity(),
          w.backoff());
    }
    if (receiver instanceof MailReceiverConfig m) {
      return new MailReceiverConfig(
          m.name(),
          "127.0.0.1",
          smtp.getSmtp().getPort(),
          m.starttls(),
          m.ssl(),
          m.caFile(),
          m.username(),
          m.passwordEnv(),
          m.password(),
          m.from(),
          m.to(),
          m.cc(),
          m.sendResolved(),
          m.connectTimeout(),
          m.sendTimeout(),
          m.maxBatch(),
          m.queueCapacity(),
          m.backoff());
    }
    return receiver;
  }

  private void registerRunning(String id, String host) throws Exception {
    agents
        .register(id, AgentNode.of(host, "ingest", Map.of()))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    agents
        .goLive(id, new LiveNode(1, Instant.now(), "1.11.0", 0))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private List<String> webhookAgents() {
    return webhook.alerts().stream().map(WebhookReceiver.Received::agent).toList();
  }

  /** The agents listed in the mails' text parts, mail after mail. */
  private List<String> mailedAgents() throws Exception {
    List<String> listed = new ArrayList<>();
    for (MimeMessage mail : smtp.getReceivedMessages()) {
      Multipart parts = (Multipart) mail.getContent();
      for (int i = 0; i < parts.getCount(); i++) {
        BodyPart part = parts.getBodyPart(i);
        if (part.isMimeType("text/plain")) {
          listed.addAll(matches(MAIL_AGENT, String.valueOf(part.getContent())));
        }
      }
    }
    return listed;
  }

  /** The agents listed in the accepted DingTalk messages, message after message. */
  private List<String> robotAgents() {
    List<String> listed = new ArrayList<>();
    for (RobotStandIn.Message message : dingtalk.messages()) {
      if (message.accepted()) {
        listed.addAll(matches(ROBOT_AGENT, message.text()));
      }
    }
    return listed;
  }

  private static List<String> matches(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
