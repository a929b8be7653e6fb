package io.flumesentinel.notify.robot;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.AlertFields;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.http.HttpPoster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * A Slack incoming webhook: one message per batch, {@code text} as the notification fallback and a
 * section block per alert (at most 50 blocks, 3000 characters of text each). The URL is the
 * credential. Slack answers 200 {@code ok}; its errors come as statuses (400 invalid_payload, 403,
 * 404, 410 permanent; 429 and 5xx retried).
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
    String title = AlertFields.title(group.labels(), batch);
    JsonArray blocks = new JsonArray().add(section("*" + escape(title) + "*"));
    // The title takes one block; the last one is kept for "… and N more" when needed.
    int room = batch.size() <= MAX_BLOCKS - 1 ? batch.size() : MAX_BLOCKS - 2;
    for (Alert alert : batch.subList(0, room)) {
      StringBuilder text =
          new StringBuilder("*").append(escape(RobotText.heading(alert))).append("*");
      RobotText.fields(alert)
          .forEach(
              (name, value) -> text.append("\n").append(name).append(": ").append(escape(value)));
      blocks.add(section(cut(text.toString())));
    }
    if (room < batch.size()) {
      blocks.add(section(RobotText.more(batch.size() - room)));
    }
    return new Request(url, new JsonObject().put("text", title).put("blocks", blocks));
  }

  private static JsonObject section(String mrkdwn) {
    return new JsonObject()
        .put("type", "section")
        .put("text", new JsonObject().put("type", "mrkdwn").put("text", mrkdwn));
  }

  private static String cut(String text) {
    return text.length() <= MAX_BLOCK_CHARS ? text : text.substring(0, MAX_BLOCK_CHARS - 1) + "…";
  }

  /** Slack's three control characters in message text. */
  private static String escape(String text) {
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
