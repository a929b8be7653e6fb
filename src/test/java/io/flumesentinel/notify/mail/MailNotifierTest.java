package io.flumesentinel.notify.mail;

import static io.flumesentinel.notify.mail.MailAlerts.crashed;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.flumesentinel.config.BackoffConfig;
import io.flumesentinel.config.MailReceiverConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.testing.TestAlerts;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.junit5.VertxExtension;
import jakarta.mail.BodyPart;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The mail receiver against a real SMTP server (GreenMail), as the people on call read it. */
@ExtendWith(VertxExtension.class)
class MailNotifierTest {

  private static final String RECEIVER = "oncall";
  private static final String FROM = "sentinel@example.com";
  private static final List<String> TO = List.of("oncall@example.com", "lead@example.com");
  private static final List<String> CC = List.of("team@example.com");
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern AGENT_LINE = Pattern.compile("(?m)^  Agent: +(\\S+)$");

  private Vertx vertx;
  private Context sender;
  private GreenMail smtp;
  private final List<Delivered> delivered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    sender = vertx.getOrCreateContext();
    vertx
        .eventBus()
        .<Delivered>localConsumer(Addresses.DELIVERED, message -> delivered.add(message.body()));
  }

  @AfterEach
  void stopSmtp() {
    if (smtp != null) {
      smtp.stop();
    }
  }

  @Test
  void anAlertIsOneMailToEveryRecipientWithATextAndAnHtmlPart() throws Exception {
    int port = startSmtp(freePort());
    NotifierVerticle notifier = deploy(config(port));
    Alert alert = crashed("ingest-1", "host-a", "ingest");

    publish(alert);

    await().atMost(WAIT).until(() -> delivered.size() == 1);
    List<MimeMessage> mails = mails();
    assertThat(mails).hasSize(1);
    MimeMessage mail = mails.get(0);
    assertThat(mail.getSubject()).isEqualTo("[FIRING:1] FlumeAgentDown (ingest-1, host-a, ingest)");
    assertThat(addresses(mail, RecipientType.TO)).containsExactlyElementsOf(TO);
    assertThat(addresses(mail, RecipientType.CC)).containsExactlyElementsOf(CC);
    assertThat(mail.getFrom()[0].toString()).isEqualTo(FROM);
    // One copy per recipient reached the server: to and cc, nobody missing.
    assertThat(smtp.getReceivedMessages()).hasSize(TO.size() + CC.size());
    Map<String, String> parts = parts(mail);
    assertThat(parts).containsOnlyKeys("text/plain", "text/html");
    assertThat(parts.get("text/plain"))
        .contains("ingest-1", "host-a", "CRASHED", "code 137, signal KILL", "2025-01-01T00:00:00Z");
    assertThat(parts.get("text/html"))
        .contains("<td>ingest-1</td>", "<td>CRASHED</td>", "<td>host-a</td>");
    assertThat(delivered.get(0)).isEqualTo(new Delivered(RECEIVER, List.of(alert)));
    assertThat(notifier.stats().delivered()).isEqualTo(1);
    assertThat(notifier.stats().requests()).isEqualTo(1);
  }

  @Test
  void aBurstWhileAMailIsInFlightGoesInFewMailsInOrder() throws Exception {
    int port = startSmtp(freePort());
    NotifierVerticle notifier = deploy(config(port));
    List<Alert> burst =
        IntStream.range(0, 40).mapToObj(i -> crashed("agent-" + i, "host-a", "ingest")).toList();

    publish(burst.toArray(Alert[]::new));

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == burst.size());
    List<MimeMessage> mails = mails();
    assertThat(mails).hasSizeBetween(2, 3);
    List<String> mailed = new ArrayList<>();
    for (MimeMessage mail : mails) {
      mailed.addAll(agents(parts(mail).get("text/plain")));
    }
    assertThat(mailed).isEqualTo(burst.stream().map(Alert::agent).toList());
    assertThat(mails.get(0).getSubject())
        .isEqualTo("[FIRING:1] FlumeAgentDown (agent-0, host-a, ingest)");
    assertThat(mails.get(1).getSubject()).startsWith("[FIRING:").endsWith("(host-a, ingest)");
  }

  @Test
  void alertsWaitForAnSmtpServerThatIsDownAndArriveWhenItIsUp() throws Exception {
    int port = freePort();
    NotifierVerticle notifier = deploy(config(port));
    List<Alert> alerts = List.of(crashed("a1", "host-a", "ingest"), crashed("a2", "host-b", "x"));

    publish(alerts.toArray(Alert[]::new));
    await().atMost(WAIT).until(() -> notifier.stats().retries() >= 2);
    assertThat(notifier.stats().delivered()).isZero();
    assertThat(notifier.stats().lastError()).contains("smtp://127.0.0.1:" + port);
    startSmtp(port);

    await().atMost(WAIT).until(() -> notifier.stats().delivered() == 2);
    List<String> mailed = new ArrayList<>();
    for (MimeMessage mail : mails()) {
      mailed.addAll(agents(parts(mail).get("text/plain")));
    }
    assertThat(mailed).containsExactly("a1", "a2");
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(delivered).flatMap(Delivered::alerts).isEqualTo(alerts));
    assertThat(notifier.stats().rejected()).isZero();
  }

  @Test
  void aPermanentRefusalIsCountedAsRejectedAndNotRetried() throws Exception {
    NetServer refusing = refusingSmtpServer();
    NotifierVerticle notifier = deploy(config(refusing.actualPort()));

    publish(crashed("a1", "host-a", "ingest"));
    await().atMost(WAIT).until(() -> notifier.stats().rejected() == 1);
    publish(crashed("a2", "host-a", "ingest"));

    await().atMost(WAIT).until(() -> notifier.stats().rejected() == 2);
    assertThat(notifier.stats().retries()).isZero();
    assertThat(notifier.stats().delivered()).isZero();
    assertThat(notifier.stats().lastError()).contains("SMTP 550").contains("no such user");
    assertThat(delivered).isEmpty();
    refusing.close().await(5, SECONDS);
  }

  @Test
  void resolvedAlertsAreAcknowledgedWithoutAMailWhenSendResolvedIsOff() throws Exception {
    int port = startSmtp(freePort());
    MailReceiverConfig base = config(port);
    NotifierVerticle notifier = deploy(with(base, false, base.maxBatch()));
    Alert firing = crashed("a1", "host-a", "ingest");

    publish(firing);
    await().atMost(WAIT).until(() -> delivered.size() == 1);
    publish(MailAlerts.resolved(firing));

    await().atMost(WAIT).until(() -> delivered.size() == 2);
    assertThat(mails()).extracting(MimeMessage::getSubject).allMatch(s -> s.startsWith("[FIRING"));
    assertThat(mails()).hasSize(1);
  }

  /**
   * A resolution that is not mailed is settled before the channel's send returns; nineteen of them
   * queued behind a mail in flight are settled one after the other as that mail is accepted, each
   * starting the next, and still acknowledged to the ledger and recorded for the history in the
   * order they came.
   */
  @Test
  void resolutionsSettledAtOnceAreAcknowledgedInTheOrderTheyCame() throws Exception {
    int port = startSmtp(freePort());
    deploy(with(config(port), false, 1));
    List<String> recorded = new CopyOnWriteArrayList<>();
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            Addresses.DELIVERIES,
            m -> recorded.add(m.body().getJsonArray("alerts").getJsonObject(0).getString("agent")))
        .completion()
        .await(5, SECONDS);
    List<Alert> alerts = new ArrayList<>();
    alerts.add(crashed("a0", "host-a", "ingest")); // mailed
    IntStream.range(1, 20)
        .mapToObj(i -> MailAlerts.resolved(crashed("a" + i, "host-a", "ingest")))
        .forEach(alerts::add); // not mailed, queued while the mail is in flight
    List<String> order = alerts.stream().map(Alert::agent).toList();

    publish(alerts.toArray(Alert[]::new));

    await().atMost(WAIT).until(() -> delivered.size() == order.size());
    assertThat(delivered).extracting(each -> each.alerts().get(0).agent()).isEqualTo(order);
    await().atMost(WAIT).until(() -> recorded.size() == order.size());
    assertThat(recorded).isEqualTo(order);
    assertThat(mails()).hasSize(1);
  }

  private int startSmtp(int port) {
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    return port;
  }

  /** A minimal SMTP server that refuses every recipient with 550, as for an unknown mailbox. */
  private NetServer refusingSmtpServer() throws Exception {
    NetServer server =
        vertx
            .createNetServer()
            .connectHandler(
                socket -> {
                  socket.write("220 refusing ESMTP\r\n");
                  socket.handler(
                      RecordParser.newDelimited(
                          "\r\n",
                          line -> {
                            String command = line.toString().toUpperCase(Locale.ROOT);
                            if (command.startsWith("RCPT")) {
                              socket.write("550 5.1.1 no such user\r\n");
                            } else if (command.startsWith("QUIT")) {
                              socket.write("221 bye\r\n").onComplete(v -> socket.close());
                            } else {
                              socket.write(Buffer.buffer("250 OK\r\n"));
                            }
                          }));
                });
    return server.listen(0, "127.0.0.1").await(5, SECONDS);
  }

  private NotifierVerticle deploy(MailReceiverConfig config) throws Exception {
    NotifierVerticle notifier = MailChannel.notifier(config);
    vertx.deployVerticle(notifier).await(5, SECONDS);
    return notifier;
  }

  private void publish(Alert... alerts) {
    sender.runOnContext(
        v -> {
          for (Alert alert : alerts) {
            vertx.eventBus().send(Addresses.notify(RECEIVER), TestAlerts.notice(alert));
          }
        });
  }

  /** The distinct mails received, in arrival order: GreenMail keeps one copy per recipient. */
  private List<MimeMessage> mails() throws Exception {
    Map<String, MimeMessage> byId = new LinkedHashMap<>();
    for (MimeMessage copy : smtp.getReceivedMessages()) {
      byId.putIfAbsent(copy.getMessageID(), copy);
    }
    return List.copyOf(byId.values());
  }

  private static List<String> addresses(MimeMessage mail, RecipientType type) throws Exception {
    return Arrays.stream(mail.getRecipients(type)).map(Object::toString).toList();
  }

  /** The text parts of a mail by content type. */
  private static Map<String, String> parts(Part part) throws Exception {
    Map<String, String> parts = new LinkedHashMap<>();
    collect(part, parts);
    return parts;
  }

  private static void collect(Part part, Map<String, String> parts)
      throws IOException, jakarta.mail.MessagingException {
    Object content = part.getContent();
    if (content instanceof Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart body = multipart.getBodyPart(i);
        collect(body, parts);
      }
    } else if (part.isMimeType("text/plain")) {
      parts.put("text/plain", content.toString());
    } else if (part.isMimeType("text/html")) {
      parts.put("text/html", content.toString());
    }
  }

  private static List<String> agents(String text) {
    List<String> agents = new ArrayList<>();
    Matcher matcher = AGENT_LINE.matcher(text.replace("\r\n", "\n"));
    while (matcher.find()) {
      agents.add(matcher.group(1));
    }
    return agents;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static MailReceiverConfig config(int port) {
    return new MailReceiverConfig(
        RECEIVER,
        "127.0.0.1",
        port,
        MailReceiverConfig.StartTls.DISABLED,
        false,
        "",
        "",
        "",
        null,
        FROM,
        TO,
        CC,
        true,
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        MailReceiverConfig.DEFAULT_MAX_BATCH,
        1000,
        new BackoffConfig(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0));
  }

  private static MailReceiverConfig with(MailReceiverConfig c, boolean sendResolved, int maxBatch) {
    return new MailReceiverConfig(
        c.name(),
        c.host(),
        c.port(),
        c.starttls(),
        c.ssl(),
        c.caFile(),
        c.username(),
        c.passwordEnv(),
        c.password(),
        c.from(),
        c.to(),
        c.cc(),
        sendResolved,
        c.connectTimeout(),
        c.sendTimeout(),
        maxBatch,
        c.queueCapacity(),
        c.backoff());
  }
}
