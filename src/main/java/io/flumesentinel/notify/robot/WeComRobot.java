package io.flumesentinel.notify.robot;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.AlertFields;
import io.flumesentinel.notify.DeliveryOutcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A WeCom (WeChat Work) group robot: one markdown message per batch, its values escaped ({@link
 * RobotText#markdown}, which also keeps a value from mentioning anyone with {@code <@all>}), its
 * content at most 4096 UTF-8 bytes. The key in the URL is the only credential; WeCom does not sign.
 * Success is {@code errcode} 0; 45009 (over the rate limit) is retried, any other code is
 * permanent.
 */
final class WeComRobot implements Robot {

  static final int MAX_CONTENT_BYTES = 4096;
  static final int RATE_LIMITED = 45_009;

  /** 20 messages a minute per robot, evenly spread, with a margin. */
  static final Duration MIN_INTERVAL = Duration.ofMillis(3_100);

  private final String url;

  WeComRobot(String url) {
    this.url = url;
  }

  @Override
  public Request request(AlertGroup group, List<Alert> batch, long nowMillis) {
    return new Request(
        url,
        new JsonObject()
            .put("msgtype", "markdown")
            .put("markdown", new JsonObject().put("content", content(group, batch))));
  }

  static String content(AlertGroup group, List<Alert> batch) {
    List<Alert> shown = RobotText.shown(batch, RobotText::markdown);
    List<String> entries = new ArrayList<>(batch.size());
    for (Alert alert : shown) {
      String colour = alert.firing() ? "warning" : "info";
      StringBuilder entry =
          new StringBuilder("**<font color=\"")
              .append(colour)
              .append("\">[")
              .append(alert.status().name())
              .append("]</font> ")
              .append(alert.alertname())
              .append(": ")
              .append(alert.subject())
              .append("**");
      RobotText.fields(alert)
          .forEach((name, value) -> entry.append("\n> ").append(name).append(": ").append(value));
      entries.add(entry.toString());
    }
    return RobotText.fit(
        "## " + AlertFields.title(RobotText.shown(group.labels(), RobotText::markdown), shown),
        entries,
        "\n\n",
        MAX_CONTENT_BYTES,
        RobotText.UTF8_BYTES);
  }

  @Override
  public DeliveryOutcome judge(int status, Buffer body) {
    return RobotText.judgeCode(status, body, List.of("errcode"), "errmsg", Set.of(RATE_LIMITED));
  }

  @Override
  public Duration minInterval() {
    return MIN_INTERVAL;
  }
}
