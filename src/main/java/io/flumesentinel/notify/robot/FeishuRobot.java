package io.flumesentinel.notify.robot;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.AlertFields;
import io.flumesentinel.notify.DeliveryOutcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * A Feishu (Lark) custom bot: one text message per batch, its values unable to form a tag such as
 * {@code <at user_id="all">} ({@link RobotText#feishuText}); with a secret, the body carries {@code
 * timestamp} (seconds) and {@code sign}, the Base64 of HMAC-SHA256 keyed with timestamp + "\n" +
 * secret over no data. Success is {@code code} 0 (older bots: {@code StatusCode} 0); 11232 and 9499
 * (rate limited) are retried, any other code is permanent.
 */
final class FeishuRobot implements Robot {

  /**
   * Feishu's limit on a request body is given as 20 KB to 30 KB depending on the document; the text
   * stays under the smaller, with room for the JSON around it.
   */
  static final int MAX_TEXT_BYTES = 18_000;

  /**
   * The bytes {@code text} takes in the request body: UTF-8, with JSON's escapes (a quote or a
   * backslash counts two), since the limit is the body's.
   */
  static final ToIntFunction<String> JSON_BYTES =
      text -> Json.encode(text).getBytes(StandardCharsets.UTF_8).length - 2;

  static final Set<Integer> RATE_LIMITED = Set.of(11_232, 9_499);

  /** 5 messages a second per bot, evenly spread, with a margin. */
  static final Duration MIN_INTERVAL = Duration.ofMillis(210);

  private final String url;
  private final String secret;

  FeishuRobot(String url, String secret) {
    this.url = url;
    this.secret = secret;
  }

  @Override
  public Request request(AlertGroup group, List<Alert> batch, long nowMillis) {
    JsonObject body = new JsonObject();
    if (secret != null) {
      long timestamp = nowMillis / 1000;
      body.put("timestamp", Long.toString(timestamp)).put("sign", sign(secret, timestamp));
    }
    body.put("msg_type", "text").put("content", new JsonObject().put("text", text(group, batch)));
    return new Request(url, body);
  }

  static String text(AlertGroup group, List<Alert> batch) {
    List<Alert> shown = RobotText.shown(batch, RobotText::feishuText);
    List<String> entries = new ArrayList<>(batch.size());
    for (Alert alert : shown) {
      StringBuilder entry = new StringBuilder(RobotText.heading(alert));
      RobotText.fields(alert)
          .forEach((name, value) -> entry.append("\n  ").append(name).append(": ").append(value));
      entries.add(entry.toString());
    }
    return RobotText.fit(
        AlertFields.title(RobotText.shown(group.labels(), RobotText::feishuText), shown),
        entries,
        "\n\n",
        MAX_TEXT_BYTES,
        JSON_BYTES);
  }

  /** Feishu's signature of {@code timestamp} (seconds) with {@code secret}. */
  static String sign(String secret, long timestamp) {
    return Signatures.hmacSha256Base64(timestamp + "\n" + secret, "");
  }

  @Override
  public DeliveryOutcome judge(int status, Buffer body) {
    return RobotText.judgeCode(status, body, List.of("code", "StatusCode"), "msg", RATE_LIMITED);
  }

  @Override
  public Duration minInterval() {
    return MIN_INTERVAL;
  }
}
