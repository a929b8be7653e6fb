package io.flumesentinel.notify.robot;

import io.flumesentinel.event.Alert;
import io.flumesentinel.notify.AlertFields;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.http.HttpPoster;
import io.flumesentinel.protocol.UntrustedText;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;

/**
 * What the robots share: the fields of an alert a chat message shows, values made literal text in
 * the vendor's markup ({@link #shown}), fitting entries into a vendor's size limit, and judging the
 * {@code {"errcode":0}} kind of answer.
 *
 * <p>Labels and annotations come from whoever can write to ZooKeeper: in a message they are shown
 * as text, never as markup the vendor acts on (a link, an image, a mention of everyone).
 */
final class RobotText {

  /**
   * Longest value of a label or annotation shown, in characters before escaping, so that a title
   * and an entry stay readable and far from every vendor's limit.
   */
  static final int MAX_VALUE_CHARS = UntrustedText.MAX_VALUE_CHARS;

  /** The fields a chat message shows besides the status, alert name and agent. */
  private static final Set<String> SHOWN =
      Set.of("Host", "Group", "Reason", "Exit", "Since", "Ended", "Resolution");

  static final ToIntFunction<String> CHARS = String::length;
  static final ToIntFunction<String> UTF8_BYTES =
      text -> text.getBytes(StandardCharsets.UTF_8).length;

  private RobotText() {}

  /**
   * {@code batch} as a message shows it: every label and annotation value (and the link) one line
   * of at most {@link #MAX_VALUE_CHARS} characters, then escaped by {@code escape}, so that titles,
   * headings and fields built from it need no further escaping.
   */
  static List<Alert> shown(List<Alert> batch, UnaryOperator<String> escape) {
    return batch.stream()
        .map(
            alert ->
                new Alert(
                    alert.status(),
                    shown(alert.labels(), escape),
                    shown(alert.annotations(), escape),
                    alert.startsAt(),
                    alert.endsAt(),
                    escape.apply(UntrustedText.line(alert.generatorUrl()))))
        .toList();
  }

  /** Labels (a group's) as a message shows them; see {@link #shown(List, UnaryOperator)}. */
  static SortedMap<String, String> shown(Map<String, String> labels, UnaryOperator<String> escape) {
    SortedMap<String, String> shown = new TreeMap<>();
    labels.forEach((name, value) -> shown.put(name, escape.apply(UntrustedText.line(value))));
    return shown;
  }

  /**
   * {@code text} as literal markdown for DingTalk and WeCom: the characters that make links,
   * images, emphasis, code and strike-through are escaped with a backslash, and {@code <} and
   * {@code >} (which would open an HTML tag or a WeCom mention such as {@code <@all>}) are shown as
   * their full-width forms, which no renderer reads as markup. Characters that only mean something
   * at the start of a line ({@code #}, {@code -}, {@code 1.}) are left alone: a value never starts
   * a line.
   */
  static String markdown(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\', '`', '*', '_', '[', ']', '(', ')', '!', '~', '|' -> out.append('\\').append(c);
        case '<' -> out.append('\uFF1C');
        case '>' -> out.append('\uFF1E');
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * {@code text} as literal Feishu text: a text message knows no escape, but reads {@code <at
   * user_id="all">} as a mention of everyone; {@code <} and {@code >} are shown as their full-width
   * forms, so no tag can be formed.
   */
  static String feishuText(String text) {
    return text.replace('<', '\uFF1C').replace('>', '\uFF1E');
  }

  /**
   * {@code text} cut (ending with {@link UntrustedText#CUT}) so that it is at most {@code limit} by
   * {@code size}.
   */
  static String cut(String text, int limit, ToIntFunction<String> size) {
    if (size.applyAsInt(text) <= limit) {
      return text;
    }
    int low = 0;
    int high = text.length();
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (size.applyAsInt(UntrustedText.cut(text, mid)) <= limit) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low == 0 ? "" : UntrustedText.cut(text, low);
  }

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
   * batch are shown. The head takes at most a quarter of the limit, and the first entry is shown
   * cut when it does not fit whole, so that a message always says what it is about.
   */
  static String fit(
      String head, List<String> entries, String separator, int limit, ToIntFunction<String> size) {
    String fittedHead = cut(head, limit / 4, size);
    StringBuilder text = new StringBuilder(fittedHead);
    int used = size.applyAsInt(fittedHead);
    int shown = 0;
    for (String entry : entries) {
      int next = used + size.applyAsInt(separator + entry);
      int left = entries.size() - shown - 1;
      int reserve = left == 0 ? 0 : size.applyAsInt(separator + more(left));
      if (next + reserve > limit) {
        if (shown == 0) {
          int room = limit - used - reserve - size.applyAsInt(separator);
          String first = cut(entry, room, size);
          if (!first.isEmpty()) {
            text.append(separator).append(first);
            shown++;
          }
        }
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
