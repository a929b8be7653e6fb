package io.flumesentinel.notify.robot;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.RobotReceiverConfig;
import io.flumesentinel.config.RobotReceiverConfig.Vendor;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.notify.robot.RobotStandIn.Message;
import io.flumesentinel.testing.TestAlerts;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each robot against a stand-in of its vendor that verifies the signature as the vendor documents
 * it, asserting the message a person reads in the chat.
 */
@ExtendWith(VertxExtension.class)
class RobotNotifierTest {

  private static final String RECEIVER = "chat";
  private static final String SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(15);
  // The pace is kept between the starts of two sends; the stand-in sees arrivals, and the first
  // request of a test also carries the connection set-up, so arrivals may be that much closer.
  private static final Duration ARRIVAL_SLACK = Duration.ofMillis(50);
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Pattern MORE = Pattern.compile("… and (\\d+) more");

  private Vertx vertx;
  private Context sender;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    sender = vertx.getOrCreateContext();
  }

  @Test
  void dingTalkGetsASignedMarkdownMessageListingTheAlert() throws Exception {
    RobotStandIn robot = RobotStandIn.dingtalk(vertx, SECRET).await(5, SECONDS);
    NotifierVerticle notifier = deploy(Vendor.DINGTALK, robot.url(), SECRET);

    publish(crashed("ingest-1", "host-a"));

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 1);
    Message message = robot.messages().get(0);
    assertThat(message.accepted()).as(message.answer()).isTrue();
    assertThat(message.query()).contains("access_token=").contains("timestamp=").contains("sign=");
    assertThat(message.body().getJsonObject("markdown").getString("title"))
        .isEqualTo("[FIRING:1] FlumeAgentDown (ingest-1, host-a, ingest)");
    assertThat(message.text())
        .contains("[FIRING] FlumeAgentDown: ingest-1")
        .contains("- Host: host-a")
        .contains("- Reason: CRASHED")
        .contains("- Exit: code 137, signal KILL")
        .contains("- Since: 2025-01-01T00:00:00Z");
    assertThat(notifier.stats().lastError()).isEmpty();
  }

  @Test
  void aDingTalkSignatureMadeWithAnotherSecretIsRefusedAndNotRetried() throws Exception {
    RobotStandIn robot = RobotStandIn.dingtalk(vertx, SECRET).await(5, SECONDS);
    NotifierVerticle notifier = deploy(Vendor.DINGTALK, robot.url(), "SECnot-the-right-one");

    publish(crashed("ingest-1", "host-a"));

    await().atMost(WAIT).until(() -> notifier.stats().rejected() == 1);
    assertThat(notifier.stats().retries()).isZero();
    assertThat(notifier.stats().lastError()).contains("errcode 310000").contains("sign not match");
    assertThat(notifier.stats().lastError()).doesNotContain(RobotStandIn.TOKEN);
  }

  @Test
  void dingTalkSendTooFastIsRetriedAndThenDelivered() throws Exception {
    RobotStandIn robot = RobotStandIn.dingtalk(vertx, SECRET).await(5, SECONDS);
    robot.answerNext("{\"errcode\":130101,\"errmsg\":\"send too fast\"}");
    NotifierVerticle notifier = deploy(Vendor.DINGTALK, robot.url(), SECRET);

    publish(crashed("ingest-1", "host-a"));

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 1);
    assertThat(notifier.stats().retries()).isEqualTo(1);
    assertThat(robot.messages()).hasSize(2);
    // The retry waits out the robot's pace too.
    assertThat(robot.messages().get(1).arrivedNanos() - robot.messages().get(0).arrivedNanos())
        .isGreaterThanOrEqualTo(DingTalkRobot.MIN_INTERVAL.minus(ARRIVAL_SLACK).toNanos());
  }

  @Test
  void thirtyAlertsWithinASecondReachDingTalkAsAFewMessagesListingAllOfThem() throws Exception {
    RobotStandIn robot = RobotStandIn.dingtalk(vertx, SECRET).await(5, SECONDS);
    NotifierVerticle notifier = deploy(Vendor.DINGTALK, robot.url(), SECRET);
    List<String> agents =
        IntStream.range(0, 30).mapToObj(i -> String.format("agent-%02d", i)).toList();

    // Three bursts of ten over 800 ms.
    for (int burst = 0; burst < 3; burst++) {
      List<Alert> alerts =
          agents.subList(burst * 10, burst * 10 + 10).stream()
              .map(agent -> crashed(agent, "host-a"))
              .toList();
      vertx.setTimer(1 + burst * 400L, id -> publish(alerts.toArray(Alert[]::new)));
    }

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 30);
    List<Message> messages = robot.messages();
    assertThat(messages).allMatch(Message::accepted);
    assertThat(messages.size()).isLessThanOrEqualTo(3);
    String everything = messages.stream().map(Message::text).collect(Collectors.joining("\n"));
    for (String agent : agents) {
      assertThat(everything).contains("FlumeAgentDown: " + agent + "\n");
    }
    assertThat(everything).doesNotContain(" more");
    assertThat(notifier.stats().dropped()).isZero();
    for (int i = 1; i < messages.size(); i++) {
      assertThat(messages.get(i).arrivedNanos() - messages.get(i - 1).arrivedNanos())
          .isGreaterThanOrEqualTo(Duration.ofSeconds(3).minus(ARRIVAL_SLACK).toNanos());
    }
  }

  @Test
  void weComGetsMarkdownWithinItsByteLimitEndingWithHowManyMore() throws Exception {
    RobotStandIn robot = RobotStandIn.wecom(vertx).await(5, SECONDS);
    NotifierVerticle notifier = deploy(Vendor.WECOM, robot.url(), null, 100);
    List<Alert> alerts =
        IntStream.range(0, 61).mapToObj(i -> crashed("日志-agent-" + i, "host-" + i)).toList();

    publish(alerts.toArray(Alert[]::new));

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 61);
    List<Message> messages = robot.messages();
    assertThat(messages).hasSize(2).allMatch(Message::accepted);
    assertThat(messages.get(0).text())
        .contains("[FIRING]</font> FlumeAgentDown: 日志-agent-0**")
        .contains("> Reason: CRASHED");
    String big = messages.get(1).text();
    assertThat(big.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    assertThat(big).contains("日志-agent-1**").endsWith(" more");
    int shown = count(big, "FlumeAgentDown: ");
    assertThat(shown).isGreaterThan(5);
    assertThat(moreCount(big)).isEqualTo(60 - shown);
  }

  @Test
  void feishuGetsASignedTextMessage() throws Exception {
    RobotStandIn robot = RobotStandIn.feishu(vertx, SECRET).await(5, SECONDS);
    NotifierVerticle notifier = deploy(Vendor.FEISHU, robot.url(), SECRET);

    publish(crashed("ingest-1", "host-a"));

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 1);
    Message message = robot.messages().get(0);
    assertThat(message.accepted()).as(message.answer()).isTrue();
    assertThat(message.body().getString("timestamp")).matches("\\d{10}");
    assertThat(message.text())
        .startsWith("[FIRING:1] FlumeAgentDown")
        .contains("[FIRING] FlumeAgentDown: ingest-1\n  Host: host-a\n")
        .contains("  Reason: CRASHED\n  Exit: code 137, signal KILL");
  }

  @Test
  void feishuRefusesAWrongSignatureAndRateLimitsAreRetried() throws Exception {
    RobotStandIn wrong = RobotStandIn.feishu(vertx, SECRET).await(5, SECONDS);
    NotifierVerticle refused = deploy(Vendor.FEISHU, wrong.url(), "another-secret");
    publish(crashed("ingest-1", "host-a"));
    await().atMost(WAIT).until(() -> refused.stats().rejected() == 1);
    assertThat(refused.stats().lastError()).contains("code 19021").contains("sign match fail");
    vertx.undeploy(refused.deploymentID()).await(5, SECONDS);

    RobotStandIn limited = RobotStandIn.feishu(vertx, SECRET).await(5, SECONDS);
    limited.answerNext("{\"code\":11232,\"msg\":\"frequency limited psm\"}");
    NotifierVerticle notifier = deploy(Vendor.FEISHU, limited.url(), SECRET);
    publish(crashed("ingest-2", "host-a"));
    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 1);
    assertThat(notifier.stats().retries()).isEqualTo(1);
    assertThat(limited.accepted()).hasSize(1);
  }

  @Test
  void slackGetsASectionPerAlertAndAtMostFiftyBlocks() throws Exception {
    RobotStandIn robot = RobotStandIn.slack(vertx).await(5, SECONDS);
    NotifierVerticle notifier = deploy(Vendor.SLACK, robot.url(), null, 100);
    List<Alert> alerts =
        IntStream.range(0, 61).mapToObj(i -> crashed("ingest-" + i, "host-a")).toList();

    publish(alerts.toArray(Alert[]::new));

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 61);
    List<Message> messages = robot.messages();
    assertThat(messages).hasSize(2).allMatch(Message::accepted);
    assertThat(messages.get(0).body().getString("text")).startsWith("[FIRING:1] FlumeAgentDown");
    assertThat(messages.get(0).text())
        .contains(
            "*[FIRING] FlumeAgentDown: ingest-0*\nHost: host-a\nGroup: ingest\nReason: CRASHED");
    assertThat(messages.get(1).body().getJsonArray("blocks")).hasSize(50);
    assertThat(messages.get(1).text()).contains("ingest-48*").doesNotContain("ingest-49*");
    assertThat(moreCount(messages.get(1).text())).isEqualTo(60 - 48);
  }

  private NotifierVerticle deploy(Vendor vendor, String url, String secret) throws Exception {
    return deploy(vendor, url, secret, vendor.defaultMaxBatch());
  }

  private NotifierVerticle deploy(Vendor vendor, String url, String secret, int maxBatch)
      throws Exception {
    RobotReceiverConfig defaults = RobotReceiverConfig.of(RECEIVER, vendor, url, secret);
    RobotReceiverConfig config =
        new RobotReceiverConfig(
            RECEIVER,
            vendor,
            url,
            "",
            defaults.secretEnv(),
            secret,
            defaults.connectTimeout(),
            defaults.requestTimeout(),
            maxBatch,
            defaults.queueCapacity(),
            defaults.backoff());
    NotifierVerticle notifier = RobotChannel.notifier(config);
    vertx.deployVerticle(notifier).await(5, SECONDS);
    return notifier;
  }

  private void publish(Alert... alerts) {
    sender.runOnContext(
        v -> {
          for (Alert alert : alerts) {
            vertx.eventBus().send(Addresses.notify(RECEIVER), TestAlerts.notice(alert));
          }
        });
  }

  private static Alert crashed(String agent, String host) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, "FlumeAgentDown");
    labels.put(Alert.AGENT, agent);
    labels.put("host", host);
    labels.put("group", "ingest");
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", "CRASHED");
    annotations.put("exitCode", "137");
    annotations.put("signal", "KILL");
    return new Alert(Alert.Status.FIRING, labels, annotations, T0, null, "");
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  private static int moreCount(String text) {
    Matcher matcher = MORE.matcher(text);
    assertThat(matcher.find()).as(text).isTrue();
    return Integer.parseInt(matcher.group(1));
  }
}
