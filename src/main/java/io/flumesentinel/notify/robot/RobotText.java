package io.flumesentinel.notify.robot;

import io.flumesentinel.event.Alert;
import io.flumesentinel.notify.AlertFields;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.http.HttpPoster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * What the robots share: the fields of an alert a chat message shows, fitting entries into a
 * vendor's size limit, and judging the {@code {"errcode":0}} kind of answer.
 */
final class RobotText {

  /** The fields a chat message shows besides the status, alert name and agent. */
  private static final Set<String> SHOWN =
      Set.of("Host", "Group", "Reason", "Exit", "Since", "Ended", "Resolution");

  static final ToIntFunction<String> CHARS = String::length;
  static final ToIntFunction<String> UTF8_BYTES =
      text -> text.getBytes(StandardCharsets.UTF_8).length;

  private RobotText() {}

  /** {@code [FIRING] FlumeAgentDown: agent-1}. */
  static String heading(Alert alert) {
    return "[" + alert.status().name() + "] " + alert.alertname() + ": " + alert.subject();
  }

  /** The fields shown of {@code alert}, in order, absent ones left out. */
  static Map<String, String> fields(Alert alert) {
    Map<String, String> shown = new LinkedHashMap<>();
    AlertFields.fields(alert)
        .forEach(
            (name, value) -> {
              if (SHOWN.contains(name)) {
                shown.put(name, value);
              }
            });
    return shown;
  }

  /** The line that stands for the alerts left out of a message. */
  static String more(int count) {
    return "… and " + count + " more";
  }

  /**
   * {@code head}, then as many {@code entries} as fit, each after {@code separator}, so that the
   * whole is at most {@code limit} by {@code size}; when some are left out, a last entry {@link
   * #more(int) … and N more} counts them. The entries keep their order: the first alerts of the
   * batch are shown.
   */
  static String fit(
      String head, List<String> entries, String separator, int limit, ToIntFunction<String> size) {
    StringBuilder text = new StringBuilder(head);
    int used = size.applyAsInt(head);
    int shown = 0;
    for (String entry : entries) {
      int next = used + size.applyAsInt(separator + entry);
      int left = entries.size() - shown - 1;
      int reserve = left == 0 ? 0 : size.applyAsInt(separator + more(left));
      if (next + reserve > limit) {
        break;
      }
      text.append(separator).append(entry);
      used = next;
      shown++;
    }
    if (shown < entries.size()) {
      text.append(separator).append(more(entries.size() - shown));
    }
    return text.toString();
  }

  /**
   * Judges the answer of a robot that says how it went in a JSON code: a non-2xx status as any HTTP
   * receiver's; a 2xx with the first of {@code codeKeys} at 0 delivered, at a code of {@code
   * retryable} (rate limits) retryable, at any other code, or without a code, permanent.
   */
  static DeliveryOutcome judgeCode(
      int status, Buffer body, List<String> codeKeys, String messageKey, Set<Integer> retryable) {
    if (status < 200 || status >= 300) {
      return DeliveryOutcome.ofResponse(status, HttpPoster.start(body));
    }
    JsonObject answer;
    try {
      answer = body.length() == 0 ? new JsonObject() : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      answer = new JsonObject();
    }
    for (String key : codeKeys) {
      if (answer.getValue(key) instanceof Number number) {
        int code = number.intValue();
        if (code == 0) {
          return new DeliveryOutcome(
              DeliveryOutcome.Verdict.DELIVERED, DeliveryOutcome.HTTP, status, "");
        }
        Object message = answer.getValue(messageKey, answer.getValue("msg", ""));
        return new DeliveryOutcome(
            retryable.contains(code)
                ? DeliveryOutcome.Verdict.RETRYABLE
                : DeliveryOutcome.Verdict.PERMANENT,
            DeliveryOutcome.HTTP,
            status,
            key + " " + code + ": " + message);
      }
    }
    return new DeliveryOutcome(
        DeliveryOutcome.Verdict.PERMANENT,
        DeliveryOutcome.HTTP,
        status,
        "not a robot's answer: " + HttpPoster.start(body));
  }
}
