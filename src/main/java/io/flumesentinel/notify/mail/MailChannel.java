package io.flumesentinel.notify.mail;

import io.flumesentinel.config.MailReceiverConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.Channel;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.NotifierVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Mails each batch to a mail receiver through its SMTP server, with the Vert.x mail client: one
 * mail per batch, so per group, with a subject naming the group and a plain-text and an HTML part
 * ({@link MailContent}).
 *
 * <p>Outcomes: the server's 2xx is delivered; a 4xx reply (busy, mailbox temporarily unavailable),
 * a connection error or the send timeout is retryable; a 5xx reply (unknown recipient, refused
 * sender, failed login) is permanent. With {@code allowRcptErrors} off, a refused recipient fails
 * the whole mail, so nobody silently misses it.
 *
 * <p>A login's password goes only over TLS unless the receiver's config accepts otherwise ({@link
 * MailReceiverConfig}): with STARTTLS {@code REQUIRED} and a server that does not offer it, the
 * client stops after EHLO, before any AUTH, and the mail is retried like a connection error, with
 * "STARTTLS required but not supported by server" as the receiver's last error.
 *
 * <p>Caveat: a mail that times out may still reach the server later and be sent twice after the
 * retry; for alerts a duplicate is better than a loss.
 */
public final class MailChannel implements Channel {

  private final MailReceiverConfig config;
  private final MailClient client;
  private final String target;

  public MailChannel(Vertx vertx, MailReceiverConfig config) {
    this.config = config;
    this.target = "smtp://" + config.host() + ":" + config.port();
    this.client = MailClient.create(vertx, mailConfig(config));
  }

  /** A notifier delivering to this mail receiver. */
  public static NotifierVerticle notifier(MailReceiverConfig config) {
    return new NotifierVerticle(config, vertx -> new MailChannel(vertx, config));
  }

  @Override
  public List<String> targets() {
    return List.of(target);
  }

  @Override
  public Future<DeliveryOutcome> send(String target, AlertGroup group, List<Alert> batch) {
    List<Alert> shown =
        config.sendResolved() ? batch : batch.stream().filter(Alert::firing).toList();
    if (shown.isEmpty()) {
      return Future.succeededFuture(DeliveryOutcome.skipped());
    }
    MailMessage message =
        new MailMessage()
            .setFrom(config.from())
            .setTo(config.to())
            .setCc(config.cc().isEmpty() ? null : config.cc())
            .setSubject(MailContent.subject(group, shown))
            .setText(MailContent.text(shown))
            .setHtml(MailContent.html(shown));
    return client
        .sendMail(message)
        .timeout(config.sendTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .map(result -> DeliveryOutcome.ofSmtpReply(250, ""))
        .otherwise(MailChannel::outcome);
  }

  /**
   * Never fails: QUIT on a connection the server already closed is no reason to fail an undeploy.
   */
  @Override
  public Future<Void> close() {
    return client.close().recover(error -> Future.succeededFuture());
  }

  /** A reply code decides for SMTP errors; anything else (no reply came) is retryable. */
  static DeliveryOutcome outcome(Throwable error) {
    if (error instanceof SMTPException smtp && smtp.getReplyCode() > 0) {
      String reply = smtp.getReplyMessage() == null ? "" : smtp.getReplyMessage().strip();
      String code = Integer.toString(smtp.getReplyCode());
      // The reply line repeats its code ("550 5.1.1 no such user"); describe() puts it first.
      if (reply.startsWith(code)) {
        reply = reply.substring(code.length()).replaceFirst("^[ -]", "");
      }
      return DeliveryOutcome.ofSmtpReply(smtp.getReplyCode(), reply);
    }
    return DeliveryOutcome.ofError(error);
  }

  private static MailConfig mailConfig(MailReceiverConfig config) {
    MailConfig mail =
        new MailConfig()
            .setHostname(config.host())
            .setPort(config.port())
            .setSsl(config.ssl())
            .setStarttls(
                switch (config.starttls()) {
                  case DISABLED -> StartTLSOptions.DISABLED;
                  case OPTIONAL -> StartTLSOptions.OPTIONAL;
                  case REQUIRED -> StartTLSOptions.REQUIRED;
                })
            .setAllowRcptErrors(false)
            .setKeepAlive(true)
            .setMaxPoolSize(1);
    if (!config.caFile().isEmpty()) {
      // The server's certificate is checked against these alone, host name included (the client
      // verifies it whenever TLS is possible).
      mail.setTrustOptions(new PemTrustOptions().addCertPath(config.caFile()));
    }
    mail.setConnectTimeout(Math.toIntExact(config.connectTimeout().toMillis()));
    if (config.username().isEmpty()) {
      mail.setLogin(LoginOption.DISABLED);
    } else {
      mail.setLogin(LoginOption.REQUIRED)
          .setUsername(config.username())
          .setPassword(config.password());
    }
    return mail;
  }
}
