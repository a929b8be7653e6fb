package io.flumesentinel.notify;

import java.util.Objects;

/**
 * What one delivery attempt came to, and whether trying again can help.
 *
 * <p>As Alertmanager's {@code Retrier.Check}: a 2xx is delivered; a 5xx, a 429, a timeout or a
 * connection error is retryable (the receiver is down, overloaded or unreachable); any other status
 * (a 4xx, or a redirect a POST must not follow) is permanent, because sending the same body again
 * would be refused again and would hold every later alert back.
 *
 * <p>A mail server's reply is judged the same way by its class: 2xx delivered, 4xx (the server is
 * busy, a mailbox is temporarily unavailable) retryable, 5xx permanent.
 *
 * @param protocol what {@code status} is a code of: {@code HTTP} or {@code SMTP}
 * @param status the HTTP status or SMTP reply code, or 0 if no response came
 * @param detail for a failure, what went wrong (the start of the response body, or the error); else
 *     empty
 */
public record DeliveryOutcome(Verdict verdict, String protocol, int status, String detail) {

  /**
   * The most of a response body kept for the log: enough to see why, bounded whatever the receiver
   * sends.
   */
  public static final int MAX_DETAIL_CHARS = 1024;

  public static final String HTTP = "HTTP";
  public static final String SMTP = "SMTP";
  private static final String NONE = "";

  public enum Verdict {
    DELIVERED,
    RETRYABLE,
    PERMANENT
  }

  public DeliveryOutcome {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(protocol, "protocol");
    detail = truncate(detail == null ? "" : detail);
  }

  /** Classifies a response by its status code alone. */
  public static Verdict classify(int status) {
    if (status >= 200 && status < 300) {
      return Verdict.DELIVERED;
    }
    if (status >= 500 && status < 600 || status == 429) {
      return Verdict.RETRYABLE;
    }
    return Verdict.PERMANENT;
  }

  /** The outcome of a response; {@code body} is only kept for failures. */
  public static DeliveryOutcome ofResponse(int status, String body) {
    Verdict verdict = classify(status);
    return new DeliveryOutcome(verdict, HTTP, status, verdict == Verdict.DELIVERED ? "" : body);
  }

  /** The outcome of an SMTP reply: 2xx delivered, 4xx retryable, anything else permanent. */
  public static DeliveryOutcome ofSmtpReply(int code, String message) {
    Verdict verdict =
        code >= 200 && code < 300
            ? Verdict.DELIVERED
            : code >= 400 && code < 500 ? Verdict.RETRYABLE : Verdict.PERMANENT;
    return new DeliveryOutcome(verdict, SMTP, code, verdict == Verdict.DELIVERED ? "" : message);
  }

  /** Delivered without a request, such as a batch a receiver asked not to be told about. */
  public static DeliveryOutcome skipped() {
    return new DeliveryOutcome(Verdict.DELIVERED, NONE, 0, "");
  }

  /**
   * The outcome of an attempt that got no response: a timeout, a refused or reset connection, a DNS
   * failure. All of them are retryable; they say nothing about whether the receiver would accept
   * the body. A URL in the error's message is cut to its origin ({@link Redaction#urls}).
   */
  public static DeliveryOutcome ofError(Throwable error) {
    String message = Redaction.urls(error.getMessage());
    String what = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return new DeliveryOutcome(Verdict.RETRYABLE, NONE, 0, what);
  }

  public boolean delivered() {
    return verdict == Verdict.DELIVERED;
  }

  /**
   * One line for logs and stats, such as {@code HTTP 503: overloaded}, {@code SMTP 550: no such
   * user} or {@code ConnectException: …}.
   */
  public String describe() {
    if (status == 0) {
      return detail;
    }
    String code = protocol + " " + status;
    return detail.isEmpty() ? code : code + ": " + detail;
  }

  private static String truncate(String text) {
    return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "…";
  }
}
