package io.flumesentinel.notify.robot;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.AlertFields;
import io.flumesentinel.notify.DeliveryOutcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A DingTalk custom robot: one markdown message per batch, its values escaped ({@link
 * RobotText#markdown}) and its text at most {@link #MAX_TEXT_CHARS}; with a secret, the URL carries
 * {@code timestamp} (ms) and {@code sign}, the URL-encoded Base64 of HMAC-SHA256(secret, timestamp
 * + "\n" + secret). DingTalk answers 200 with {@code errcode} 0 on success; 130101 (sent too fast)
 * is retried, any other code is permanent.
 */
final class DingTalkRobot implements Robot {

  /** DingTalk's limit on the markdown text, in characters. */
  static final int MAX_TEXT_CHARS = 20_000;

  /**
   * Longest {@code title}, in characters: DingTalk shows it as the notification's preview, of which
   * a phone shows a line.
   */
  static final int MAX_TITLE_CHARS = 128;

  static final int SEND_TOO_FAST = 130_101;

  /** 20 messages a minute per robot, evenly spread, with a margin for clocks and networks. */
  static final Duration MIN_INTERVAL = Duration.ofMillis(3_100);

  private final String url;
  private final String secret;

  DingTalkRobot(String url, String secret) {
    this.url = url;
    this.secret = secret;
  }

  @Override
  public Request request(AlertGroup group, List<Alert> batch, long nowMillis) {
    // The title is a plain-text preview, never rendered as markdown: fitted, not escaped.
    String title =
        RobotText.cut(
            AlertFields.title(
                RobotText.shown(group.labels(), v -> v), RobotText.shown(batch, v -> v)),
            MAX_TITLE_CHARS,
            RobotText.CHARS);
    String text = text(group, batch);
    JsonObject body =
        new JsonObject()
            .put("msgtype", "markdown")
            .put("markdown", new JsonObject().put("title", title).put("text", text));
    return new Request(secret == null ? url : signed(nowMillis), body);
  }

  static String text(AlertGroup group, List<Alert> batch) {
    List<Alert> shown = RobotText.shown(batch, RobotText::markdown);
    List<String> entries = new ArrayList<>(batch.size());
    for (Alert alert : shown) {
      StringBuilder entry = new StringBuilder("#### ").append(RobotText.heading(alert));
      RobotText.fields(alert)
          .forEach((name, value) -> entry.append("\n- ").append(name).append(": ").append(value));
      entries.add(entry.toString());
    }
    return RobotText.fit(
        "### " + AlertFields.title(RobotText.shown(group.labels(), RobotText::markdown), shown),
        entries,
        "\n\n",
        MAX_TEXT_CHARS,
        RobotText.CHARS);
  }

  /** DingTalk's signature of {@code timestamp} with {@code secret}, URL-encoded. */
  static String sign(String secret, long timestamp) {
    String base64 = Signatures.hmacSha256Base64(secret, timestamp + "\n" + secret);
    return URLEncoder.encode(base64, StandardCharsets.UTF_8);
  }

  private String signed(long timestamp) {
    return url
        + (url.contains("?") ? "&" : "?")
        + "timestamp="
        + timestamp
        + "&sign="
        + sign(secret, timestamp);
  }

  @Override
  public DeliveryOutcome judge(int status, Buffer body) {
    return RobotText.judgeCode(status, body, List.of("errcode"), "errmsg", Set.of(SEND_TOO_FAST));
  }

  @Override
  public Duration minInterval() {
    return MIN_INTERVAL;
  }
}
