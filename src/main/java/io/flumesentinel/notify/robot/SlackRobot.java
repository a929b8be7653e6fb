package io.flumesentinel.notify.robot;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.AlertFields;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.http.HttpPoster;
import io.flumesentinel.protocol.UntrustedText;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * A Slack incoming webhook: one message per batch, {@code text} as the notification fallback and a
 * section block per alert (at most 50 blocks, 3000 characters of text each, as is {@code text}),
 * values escaped ({@link #escape}). The URL is the credential. Slack answers 200 {@code ok}; its
 * errors come as statuses (400 invalid_payload, 403, 404, 410 permanent; 429 and 5xx retried).
 */
final class SlackRobot implements Robot {

  static final int MAX_BLOCKS = 50;
  static final int MAX_BLOCK_CHARS = 3000;

  /** Slack allows about one message a second per webhook. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private final String url;

  SlackRobot(String url) {
    this.url = url;
  }

  @Override
  public Request request(AlertGroup group, List<Alert> batch, long nowMillis) {
    List<Alert> shown = RobotText.shown(batch, SlackRobot::escape);
    String title =
        cut(AlertFields.title(RobotText.shown(group.labels(), SlackRobot::escape), shown));
    JsonArray blocks = new JsonArray().add(section(cut("*" + title + "*")));
    // The title takes one block; the last one is kept for "… and N more" when needed.
    int room = shown.size() <= MAX_BLOCKS - 1 ? shown.size() : MAX_BLOCKS - 2;
    for (Alert alert : shown.subList(0, room)) {
      StringBuilder text = new StringBuilder("*").append(RobotText.heading(alert)).append("*");
      RobotText.fields(alert)
          .forEach((name, value) -> text.append("\n").append(name).append(": ").append(value));
      blocks.add(section(cut(text.toString())));
    }
    if (room < shown.size()) {
      blocks.add(section(RobotText.more(shown.size() - room)));
    }
    return new Request(url, new JsonObject().put("text", title).put("blocks", blocks));
  }

  private static JsonObject section(String mrkdwn) {
    return new JsonObject()
        .put("type", "section")
        .put("text", new JsonObject().put("type", "mrkdwn").put("text", mrkdwn));
  }

  /**
   * {@code text} within {@link #MAX_BLOCK_CHARS}, never ending inside an entity such as {@code
   * &amp;}.
   */
  static String cut(String text) {
    if (text.length() <= MAX_BLOCK_CHARS) {
      return text;
    }
    String cut = UntrustedText.cut(text, MAX_BLOCK_CHARS);
    int amp = cut.lastIndexOf('&');
    if (amp >= 0 && cut.indexOf(';', amp) < 0) {
      cut = cut.substring(0, amp) + UntrustedText.CUT;
    }
    return cut;
  }

  /**
   * Slack's three control characters in message text: escaped, no value can form a link, a mention
   * or {@code <!channel>}.
   */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public DeliveryOutcome judge(int status, Buffer body) {
    return DeliveryOutcome.ofResponse(status, HttpPoster.start(body));
  }

  @Override
  public Duration minInterval() {
    return MIN_INTERVAL;
  }
}
