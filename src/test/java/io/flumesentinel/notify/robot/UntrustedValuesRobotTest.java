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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Labels written to ZooKeeper by anyone, at each vendor's stand-in: a markdown link, an image, a
 * Feishu mention of everyone, Slack's {@code <!channel>}, a line break and 10 KB values arrive as
 * text a person reads, never as markup the vendor acts on, and within the vendor's limits.
 */
@ExtendWith(VertxExtension.class)
class UntrustedValuesRobotTest {

  private static final String RECEIVER = "chat";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  static final String LINK = "[reset your password](http://evil.example/login)";
  static final String IMAGE = "![pixel](http://evil.example/track.png)";
  static final String AT_ALL = "<at user_id=\"all\">everyone</at>";
  static final String CHANNEL = "<!channel>";
  static final String FORGED = "web-1\r\n2026-01-01 INFO forged line";
  static final String HOSTILE_HOST =
      LINK + " " + IMAGE + " " + AT_ALL + " " + CHANNEL + " " + FORGED;

  private Vertx vertx;
  private Context sender;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    sender = vertx.getOrCreateContext();
  }

  static Stream<Arguments> vendors() {
    return Stream.of(
        Arguments.of(
            Vendor.DINGTALK,
            (Function<Vertx, Future<RobotStandIn>>) v -> RobotStandIn.dingtalk(v, null)),
        Arguments.of(Vendor.WECOM, (Function<Vertx, Future<RobotStandIn>>) RobotStandIn::wecom),
        Arguments.of(
            Vendor.FEISHU,
            (Function<Vertx, Future<RobotStandIn>>) v -> RobotStandIn.feishu(v, null)),
        Arguments.of(Vendor.SLACK, (Function<Vertx, Future<RobotStandIn>>) RobotStandIn::slack));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vendors")
  void hostileLabelsArriveAsTextWithinTheVendorsLimits(
      Vendor vendor, Function<Vertx, Future<RobotStandIn>> standIn) throws Exception {
    RobotStandIn robot = standIn.apply(vertx).await(5, SECONDS);
    NotifierVerticle notifier = deploy(vendor, robot.url());

    publish(
        alert("ingest-1", HOSTILE_HOST, "g".repeat(10_240)),
        alert("ingest-2", "日志".repeat(5_120), "组".repeat(10_240)));

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 2);
    assertThat(robot.messages()).allMatch(Message::accepted, "accepted by the vendor");
    String everything =
        String.join(
            "\n", robot.messages().stream().map(UntrustedValuesRobotTest::everything).toList());
    assertThat(everything)
        .doesNotContain(AT_ALL, "<at ", CHANNEL, "\r", "web-1\n")
        .doesNotContain("g".repeat(RobotText.MAX_VALUE_CHARS + 1))
        .contains("web-1 2026-01-01 INFO forged line")
        .contains("ggg…");
    switch (vendor) {
      case DINGTALK, WECOM ->
          assertThat(everything)
              .doesNotContain(LINK, IMAGE)
              .contains("\\[reset your password\\]\\(http://evil.example/login\\)")
              .contains("\\!\\[pixel\\]")
              .contains("＜at user\\_id=\"all\"＞")
              .contains("＜\\!channel＞");
      case FEISHU ->
          assertThat(everything).contains("＜at user_id=\"all\"＞everyone＜/at＞").contains(LINK);
      case SLACK ->
          assertThat(everything)
              .contains("&lt;at user_id=\"all\"&gt;")
              .contains("&lt;!channel&gt;")
              .doesNotContain("<!");
    }
    for (Message message : robot.messages()) {
      if (vendor == Vendor.DINGTALK) {
        // the title is the plain-text preview of the notification: not markdown, but one line
        assertThat(message.body().getJsonObject("markdown").getString("title"))
            .hasSizeLessThanOrEqualTo(DingTalkRobot.MAX_TITLE_CHARS)
            .doesNotContain("\r", "\n");
      }
      if (vendor == Vendor.FEISHU) {
        assertThat(message.body().encode().getBytes(StandardCharsets.UTF_8).length)
            .isLessThan(20_000);
      }
      if (vendor == Vendor.SLACK) {
        assertThat(message.body().getString("text")).hasSizeLessThanOrEqualTo(3000);
      }
    }
  }

  /** What the vendor renders: the text, and Slack's fallback text besides it. */
  private static String everything(Message message) {
    return message.text() + "\n" + message.body().getString("text", "");
  }

  private NotifierVerticle deploy(Vendor vendor, String url) throws Exception {
    // one alert a message, so that each is fitted alone
    RobotReceiverConfig defaults = RobotReceiverConfig.of(RECEIVER, vendor, url, null);
    RobotReceiverConfig config =
        new RobotReceiverConfig(
            RECEIVER,
            vendor,
            url,
            "",
            defaults.secretEnv(),
            null,
            defaults.connectTimeout(),
            defaults.requestTimeout(),
            1,
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

  static Alert alert(String agent, String host, String group) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, "FlumeAgentDown");
    labels.put(Alert.AGENT, agent);
    labels.put("host", host);
    labels.put("group", group);
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", "CRASHED " + AT_ALL);
    annotations.put("signal", "KILL");
    return new Alert(Alert.Status.FIRING, labels, annotations, T0, null, "");
  }
}
