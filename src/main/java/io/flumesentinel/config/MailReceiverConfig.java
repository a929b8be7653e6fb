package io.flumesentinel.config;

import java.time.Duration;
import java.util.List;

/**
 * One mail receiver: each batch of alerts becomes one mail to {@code to} and {@code cc}, sent
 * through one SMTP server.
 *
 * @param starttls whether to upgrade a plain connection with STARTTLS
 * @param ssl whether the connection is TLS from the start (SMTPS, usually port 465)
 * @param username empty for a server that needs no login
 * @param passwordEnv the name of the environment variable the password was read from; empty if none
 * @param password the password read from {@code passwordEnv} at start-up, never from the file;
 *     {@code null} if none. Left out of {@link #toString()}.
 * @param sendResolved whether resolved alerts are mailed too; when false they are acknowledged
 *     without a mail
 * @param connectTimeout to open the connection
 * @param sendTimeout for one whole mail, connection included
 */
public record MailReceiverConfig(
    String name,
    String host,
    int port,
    StartTls starttls,
    boolean ssl,
    String username,
    String passwordEnv,
    String password,
    String from,
    List<String> to,
    List<String> cc,
    boolean sendResolved,
    Duration connectTimeout,
    Duration sendTimeout,
    int maxBatch,
    int queueCapacity,
    BackoffConfig backoff)
    implements ReceiverConfig {

  public static final String TYPE = "mail";
  public static final int DEFAULT_PORT = 25;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(30);

  /**
   * A mail is read by a person: a hundred alerts is already more than one can take in, and keeps
   * the mail small.
   */
  public static final int DEFAULT_MAX_BATCH = 100;

  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  public enum StartTls {
    DISABLED,
    OPTIONAL,
    REQUIRED
  }

  public MailReceiverConfig {
    username = username == null ? "" : username;
    passwordEnv = passwordEnv == null ? "" : passwordEnv;
    to = List.copyOf(to);
    cc = List.copyOf(cc);
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** A receiver with the defaults, for a plain local relay on {@code host:port}. */
  public static MailReceiverConfig of(
      String name, String host, int port, String from, List<String> to, List<String> cc) {
    return new MailReceiverConfig(
        name,
        host,
        port,
        StartTls.OPTIONAL,
        false,
        "",
        "",
        null,
        from,
        to,
        cc,
        true,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_SEND_TIMEOUT,
        DEFAULT_MAX_BATCH,
        DEFAULT_QUEUE_CAPACITY,
        BackoffConfig.defaults());
  }

  @Override
  public String toString() {
    return "MailReceiverConfig[name="
        + name
        + ", host="
        + host
        + ", port="
        + port
        + ", starttls="
        + starttls
        + ", ssl="
        + ssl
        + ", username="
        + username
        + ", passwordEnv="
        + passwordEnv
        + ", password="
        + (password == null ? "none" : "(set)")
        + ", from="
        + from
        + ", to="
        + to
        + ", cc="
        + cc
        + ", sendResolved="
        + sendResolved
        + ", connectTimeout="
        + connectTimeout
        + ", sendTimeout="
        + sendTimeout
        + ", maxBatch="
        + maxBatch
        + ", queueCapacity="
        + queueCapacity
        + ", backoff="
        + backoff
        + "]";
  }
}
