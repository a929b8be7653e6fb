package io.flumesentinel.notify.mail;

import static io.flumesentinel.notify.mail.MailAlerts.crashed;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.MailReceiverConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.testing.TestAlerts;
import io.flumesentinel.testing.TestCertificates;
import io.flumesentinel.testing.TestCertificates.Identity;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.junit5.VertxExtension;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A mail receiver with a login against real SMTP servers (GreenMail): the password goes only over
 * TLS, and a server that offers no TLS gets no password, with a failure that says why and never
 * shows the password.
 */
@ExtendWith(VertxExtension.class)
class MailPasswordTransportTest {

  private static final String RECEIVER = "oncall";
  private static final String USER = "sentinel";
  private static final String PASSWORD = "hunter2-Mail-Secret";
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir static Path dir;
  private static Identity server;

  private Vertx vertx;
  private GreenMail smtp;
  private NetServer recorder;
  private final StringBuffer sentByClient = new StringBuffer();
  private final List<Delivered> delivered = new CopyOnWriteArrayList<>();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  @BeforeAll
  static void certificate() throws Exception {
    server = TestCertificates.create(dir, "smtp");
    // GreenMail's SMTPS takes its key from these, read once per JVM: no other test uses SMTPS.
    System.setProperty("greenmail.tls.keystore.file", server.keyStore().toString());
    System.setProperty("greenmail.tls.keystore.password", TestCertificates.PASSWORD);
    System.setProperty("greenmail.tls.key.password", TestCertificates.PASSWORD);
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    vertx
        .eventBus()
        .<Delivered>localConsumer(Addresses.DELIVERED, message -> delivered.add(message.body()));
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void tearDown() throws Exception {
    root.detachAppender(logged);
    if (recorder != null) {
      recorder.close().await(5, SECONDS);
    }
    if (smtp != null) {
      smtp.stop();
    }
  }

  @Test
  void aServerWithoutStartTlsGetsNoPasswordAndTheFailureSaysWhyWithoutIt() throws Exception {
    int port = startSmtp(ServerSetup.PROTOCOL_SMTP);
    int recorded = recordingProxy(port);
    // the file says nothing about STARTTLS: the password makes it REQUIRED
    NotifierVerticle notifier = deploy(receiver(recorded, ""));

    publish(crashed("a1", "host-a", "ingest"));

    await().atMost(WAIT).until(() -> notifier.stats().retries() >= 1);
    assertThat(smtp.getReceivedMessages()).isEmpty();
    assertThat(notifier.stats().delivered()).isZero();
    assertThat(notifier.stats().lastError())
        .contains("STARTTLS required but not supported by server")
        .contains("smtp://127.0.0.1:" + recorded);
    // The client stopped after EHLO: no AUTH, no password on the wire in any encoding.
    String wire = sentByClient.toString();
    assertThat(wire).contains("EHLO").doesNotContain("AUTH").doesNotContain("MAIL FROM");
    assertNoPasswordIn(wire);
    assertNoPasswordIn(notifier.stats().lastError());
    for (ILoggingEvent event : List.copyOf(logged.list)) {
      assertNoPasswordIn(event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        assertNoPasswordIn(event.getThrowableProxy().getMessage());
      }
    }
  }

  @Test
  void overSmtpsTheMailIsSentWithTheLogin() throws Exception {
    int port = startSmtp(ServerSetup.PROTOCOL_SMTPS);
    NotifierVerticle notifier =
        deploy(receiver(port, "    ssl: true\n    caFile: " + server.certPem() + "\n"));
    Alert alert = crashed("a1", "host-a", "ingest");

    publish(alert);

    await().atMost(WAIT).until(() -> delivered.size() == 1);
    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getSubject())
        .isEqualTo("[FIRING:1] FlumeAgentDown (a1, host-a, ingest)");
    assertThat(notifier.stats().delivered()).isEqualTo(1);
  }

  @Test
  void withStartTlsOfferedTheLoginComesOnlyAfterTheUpgrade() throws Exception {
    List<String> logins = new CopyOnWriteArrayList<>();
    List<String> mails = new CopyOnWriteArrayList<>();
    recorder = startTlsServer(logins, mails);
    // port 587 as an operator writes it: no starttls key, the password makes it REQUIRED
    NotifierVerticle notifier =
        deploy(receiver(recorder.actualPort(), "    caFile: " + server.certPem() + "\n"));

    publish(crashed("a1", "host-a", "ingest"));

    await().atMost(WAIT).until(() -> delivered.size() == 1);
    assertThat(mails).hasSize(1);
    assertThat(mails.get(0)).contains("Subject: [FIRING:1] FlumeAgentDown (a1, host-a, ingest)");
    assertThat(logins).containsExactly("over TLS: " + base64("\0" + USER + "\0" + PASSWORD));
    assertThat(notifier.stats().delivered()).isEqualTo(1);
  }

  /**
   * A minimal SMTP server that offers STARTTLS with the trusted certificate, keeping each login
   * (and whether it came over TLS) and each mail's text.
   */
  private NetServer startTlsServer(List<String> logins, List<String> mails) throws Exception {
    NetServerOptions options =
        new NetServerOptions()
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertPath(server.certPem().toString())
                    .setKeyPath(server.keyPem().toString()));
    return vertx
        .createNetServer(options)
        .connectHandler(
            socket -> {
              StringBuilder mail = new StringBuilder();
              boolean[] inData = {false};
              boolean[] awaitingLogin = {false};
              socket.handler(
                  RecordParser.newDelimited(
                      "\r\n",
                      line -> {
                        String text = line.toString(StandardCharsets.ISO_8859_1);
                        String command = text.toUpperCase(Locale.ROOT);
                        String channel = socket.isSsl() ? "over TLS: " : "in clear text: ";
                        if (inData[0]) {
                          if (text.equals(".")) {
                            inData[0] = false;
                            mails.add(mail.toString());
                            socket.write("250 2.0.0 queued\r\n");
                          } else {
                            mail.append(text).append('\n');
                          }
                        } else if (awaitingLogin[0]) {
                          awaitingLogin[0] = false;
                          logins.add(channel + text);
                          socket.write("235 2.7.0 accepted\r\n");
                        } else if (command.startsWith("EHLO")) {
                          socket.write(
                              socket.isSsl()
                                  ? "250-localhost\r\n250 AUTH PLAIN\r\n"
                                  : "250-localhost\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n");
                        } else if (command.equals("STARTTLS")) {
                          socket.write("220 2.0.0 ready\r\n").compose(v -> socket.upgradeToSsl());
                        } else if (command.equals("AUTH PLAIN")) {
                          awaitingLogin[0] = true;
                          socket.write("334 \r\n");
                        } else if (command.startsWith("AUTH PLAIN ")) {
                          logins.add(channel + text.substring("AUTH PLAIN ".length()));
                          socket.write("235 2.7.0 accepted\r\n");
                        } else if (command.equals("DATA")) {
                          inData[0] = true;
                          socket.write("354 go ahead\r\n");
                        } else if (command.equals("QUIT")) {
                          socket.write("221 bye\r\n").onComplete(v -> socket.close());
                        } else {
                          socket.write("250 OK\r\n");
                        }
                      }));
              socket.write("220 localhost ESMTP\r\n");
            })
        .listen(0, "127.0.0.1")
        .await(5, SECONDS);
  }

  @Test
  void aServerWhoseCertificateIsNotTrustedGetsNothingAfterTheHandshake() throws Exception {
    Identity impostor = TestCertificates.create(dir, "impostor");
    NetServer fake =
        vertx
            .createNetServer(
                new NetServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(impostor.certPem().toString())
                            .setKeyPath(impostor.keyPem().toString())))
            .connectHandler(
                socket -> {
                  socket.handler(
                      data -> sentByClient.append(data.toString(StandardCharsets.ISO_8859_1)));
                  socket.write("220 impostor ESMTP\r\n");
                })
            .listen(0, "127.0.0.1")
            .await(5, SECONDS);
    recorder = fake;
    // the receiver trusts the real server's certificate only
    NotifierVerticle notifier =
        deploy(
            receiver(fake.actualPort(), "    ssl: true\n    caFile: " + server.certPem() + "\n"));

    publish(crashed("a1", "host-a", "ingest"));

    await().atMost(WAIT).until(() -> notifier.stats().retries() >= 1);
    assertThat(sentByClient.toString()).isEmpty();
    assertThat(notifier.stats().delivered()).isZero();
    assertNoPasswordIn(notifier.stats().lastError());
  }

  private static void assertNoPasswordIn(String text) {
    if (text == null) {
      return;
    }
    assertThat(text).doesNotContain(PASSWORD);
    assertThat(text)
        .doesNotContain(base64("\0" + USER + "\0" + PASSWORD))
        .doesNotContain(base64(PASSWORD));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The receiver as an operator writes it, with the password from the environment. */
  private static MailReceiverConfig receiver(int port, String moreKeys) {
    String yaml =
        "receivers:\n"
            + "  - name: "
            + RECEIVER
            + "\n"
            + "    type: mail\n"
            + "    host: 127.0.0.1\n"
            + "    port: "
            + port
            + "\n"
            + "    username: "
            + USER
            + "\n"
            + "    passwordEnv: SMTP_PASSWORD\n"
            + "    from: sentinel@example.com\n"
            + "    to: [ oncall@example.com ]\n"
            + "    connectTimeout: 5s\n"
            // a TLS handshake on a busy machine takes seconds; a timed-out mail is sent again
            + "    sendTimeout: 30s\n"
            + "    backoff: { initial: 50ms, max: 500ms }\n"
            + moreKeys;
    return (MailReceiverConfig)
        ConfigLoader.parse(yaml, "monitor.yaml", Map.of("SMTP_PASSWORD", PASSWORD)::get)
            .receivers()
            .get(0);
  }

  private int startSmtp(String protocol) throws IOException {
    int port = freePort();
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", protocol));
    smtp.start();
    smtp.setUser("sentinel@example.com", USER, PASSWORD);
    return port;
  }

  /** A TCP proxy to {@code port} that keeps everything the client sends. */
  private int recordingProxy(int port) throws Exception {
    recorder =
        vertx
            .createNetServer()
            .connectHandler(
                client -> {
                  client.pause();
                  vertx
                      .createNetClient()
                      .connect(port, "127.0.0.1")
                      .onSuccess(upstream -> pipe(client, upstream))
                      .onFailure(e -> client.close());
                })
            .listen(0, "127.0.0.1")
            .await(5, SECONDS);
    return recorder.actualPort();
  }

  private void pipe(NetSocket client, NetSocket upstream) {
    client.handler(
        data -> {
          sentByClient.append(data.toString(StandardCharsets.ISO_8859_1));
          upstream.write(data);
        });
    upstream.handler(client::write);
    client.closeHandler(v -> upstream.close());
    upstream.closeHandler(v -> client.close());
    client.resume();
  }

  private NotifierVerticle deploy(MailReceiverConfig config) throws Exception {
    NotifierVerticle notifier = MailChannel.notifier(config);
    vertx.deployVerticle(notifier).await(5, SECONDS);
    return notifier;
  }

  private void publish(Alert alert) {
    vertx
        .getOrCreateContext()
        .runOnContext(
            v -> vertx.eventBus().send(Addresses.notify(RECEIVER), TestAlerts.notice(alert)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
