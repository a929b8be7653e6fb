package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * One mail receiver: each batch of alerts becomes one mail to {@code to} and {@code cc}, sent
 * through one SMTP server.
 *
 * <p>A password never travels in clear text unless the file says so: with {@code passwordEnv} and
 * without {@code ssl}, {@code starttls} defaults to {@code REQUIRED}, and an explicit {@code
 * DISABLED} or {@code OPTIONAL} is refused unless {@code allowPlaintextPassword: true} accepts it.
 *
 * @param starttls whether to upgrade a plain connection with STARTTLS
 * @param ssl whether the connection is TLS from the start (SMTPS, usually port 465)
 * @param caFile a PEM file of the certificates to trust for this server instead of the JVM's
 *     default trust store; empty for the default
 * @param username empty for a server that needs no login
 * @param passwordEnv the name of the environment variable the password was read from; empty if none
 * @param password the password read from {@code passwordEnv} at start-up, never from the file;
 *     {@code null} if none. Left out of {@link #toString()}.
 * @param sendResolved whether resolved alerts are mailed too; when false they are acknowledged
 *     without a mail
 * @param connectTimeout to open the connection
 * @param sendTimeout for one whole mail, connection included
 */
// type chose this class (ReceiverConfig); it is no setting of a webhook or mail receiver
@JsonIgnoreProperties("type")
public record MailReceiverConfig(
    String name,
    String host,
    int port,
    StartTls starttls,
    boolean ssl,
    String caFile,
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
    BackoffConfig backoff,
    ReceiverOptions options)
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

  public enum StartTls {
    DISABLED,
    OPTIONAL,
    REQUIRED
  }

  public MailReceiverConfig {
    options = options == null ? ReceiverOptions.NONE : options;
    caFile = caFile == null ? "" : caFile;
    username = username == null ? "" : username;
    passwordEnv = passwordEnv == null ? "" : passwordEnv;
    to = List.copyOf(to);
    cc = List.copyOf(cc);
  }

  /** A receiver without a fallback or a runbook link of its own. */
  public MailReceiverConfig(
      String name,
      String host,
      int port,
      StartTls starttls,
      boolean ssl,
      String caFile,
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
      BackoffConfig backoff) {
    this(
        name,
        host,
        port,
        starttls,
        ssl,
        caFile,
        username,
        passwordEnv,
        password,
        from,
        to,
        cc,
        sendResolved,
        connectTimeout,
        sendTimeout,
        maxBatch,
        queueCapacity,
        backoff,
        null);
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

  /**
   * A {@code receivers} entry of {@code type: mail}: {@code name}, {@code host}, {@code port},
   * {@code starttls}, {@code ssl}, {@code caFile}, {@code username}, {@code passwordEnv} (the
   * variable holding the password), {@code allowPlaintextPassword}, {@code from}, {@code to},
   * {@code cc}, {@code sendResolved}, {@code connectTimeout}, {@code sendTimeout}, {@code
   * maxBatch}, {@code queueCapacity} and {@code backoff}.
   */
  @JsonCreator
  static MailReceiverConfig read(
      @JsonProperty("name") String name,
      @JsonProperty("host") String host,
      @JsonProperty("port") Long port,
      @JsonProperty("starttls") StartTls starttls,
      @JsonProperty("ssl") Boolean ssl,
      @JsonProperty("caFile") String caFile,
      @JsonProperty("username") String username,
      @JsonProperty("passwordEnv") String passwordEnv,
      @JsonProperty("allowPlaintextPassword") Boolean allowPlaintextPassword,
      @JsonProperty("from") String from,
      @JsonProperty("to") List<String> to,
      @JsonProperty("cc") List<String> cc,
      @JsonProperty("sendResolved") Boolean sendResolved,
      @JsonProperty("connectTimeout") Duration connectTimeout,
      @JsonProperty("connectTimeoutMs") Milliseconds connectTimeoutMs,
      @JsonProperty("sendTimeout") Duration sendTimeout,
      @JsonProperty("sendTimeoutMs") Milliseconds sendTimeoutMs,
      @JsonProperty("maxBatch") Long maxBatch,
      @JsonProperty("queueCapacity") Long queueCapacity,
      @JsonProperty("backoff") BackoffConfig backoff,
      @JsonProperty("fallback") String fallback,
      @JsonProperty("failingAfter") Duration failingAfter,
      @JsonProperty("runbookUrl") String runbookUrl,
      @JacksonInject(value = YamlBinding.ENVIRONMENT, useInput = OptBoolean.FALSE)
          Function<String, String> environment) {
    String checkedName = ReceiverChecks.name(name);
    String server = ReceiverChecks.stripped(host);
    if (server.isEmpty() || server.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException("host", "the SMTP server's host name or IP address is required");
    }
    int checkedPort =
        port == null ? DEFAULT_PORT : (int) ConfigChecks.inRange("port", port, 1, 65_535);
    String login = ReceiverChecks.stripped(username);
    String variable = ReceiverChecks.stripped(passwordEnv);
    String password = null;
    if (!variable.isEmpty()) {
      if (!ReceiverChecks.ENV_NAME.matcher(variable).matches()) {
        throw new ConfigException(
            "passwordEnv", "must be the name of an environment variable, not the password itself");
      }
      password = environment.apply(variable);
      if (password == null) {
        throw new ConfigException(
            "passwordEnv", "the environment variable " + variable + " is not set");
      }
      if (login.isEmpty()) {
        throw new ConfigException("username", "is required with passwordEnv");
      }
    }
    boolean tls = ssl != null && ssl;
    StartTls upgrade =
        startTls(
            starttls,
            password != null,
            tls,
            allowPlaintextPassword != null && allowPlaintextPassword);
    String trusted = trustedCertificates(caFile);
    String sender = ReceiverChecks.mailAddress("from", from);
    List<String> recipients = ReceiverChecks.mailAddresses("to", to);
    if (recipients.isEmpty()) {
      throw new ConfigException("to", "at least one address is required");
    }
    List<String> copies = ReceiverChecks.mailAddresses("cc", cc);
    Duration connect =
        DurationKey.CONNECT_TIMEOUT
            .read(connectTimeout, connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT)
            .value();
    Duration send =
        DurationKey.SEND_TIMEOUT.read(sendTimeout, sendTimeoutMs, DEFAULT_SEND_TIMEOUT).value();
    int batch = ReceiverChecks.maxBatch(maxBatch, DEFAULT_MAX_BATCH);
    return new MailReceiverConfig(
        checkedName,
        server,
        checkedPort,
        upgrade,
        tls,
        trusted,
        login,
        variable,
        password,
        sender,
        recipients,
        copies,
        sendResolved == null || sendResolved,
        connect,
        send,
        batch,
        ReceiverChecks.queueCapacity(queueCapacity, DEFAULT_QUEUE_CAPACITY, batch),
        backoff == null ? BackoffConfig.defaults() : backoff,
        ReceiverOptions.read(fallback, failingAfter, runbookUrl));
  }

  /**
   * STARTTLS as written, or the default: {@code REQUIRED} when a password would otherwise cross the
   * network in clear text (an {@code OPTIONAL} upgrade is silently skipped by a server, or a
   * machine in the middle, that does not offer it), {@code OPTIONAL} for a relay without login.
   */
  private static StartTls startTls(
      StartTls written, boolean hasPassword, boolean ssl, boolean plaintextAccepted) {
    if (!hasPassword || ssl) {
      return written == null ? StartTls.OPTIONAL : written;
    }
    if (written == null) {
      return StartTls.REQUIRED;
    }
    if (written != StartTls.REQUIRED && !plaintextAccepted) {
      throw new ConfigException(
          "starttls",
          written
              + " would let the password of passwordEnv cross the network in clear text; use"
              + " REQUIRED (the default with passwordEnv) or ssl: true, or accept it with"
              + " allowPlaintextPassword: true");
    }
    return written;
  }

  /** The CA file, checked now: a bad one would otherwise fail only the first mail. */
  private static String trustedCertificates(String caFile) {
    String file = ReceiverChecks.stripped(caFile);
    if (file.isEmpty()) {
      return "";
    }
    Path path = Path.of(file);
    if (!Files.isReadable(path)) {
      throw new ConfigException("caFile", "cannot read " + file);
    }
    try (InputStream in = Files.newInputStream(path)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new ConfigException("caFile", file + " holds no PEM certificate");
      }
    } catch (IOException | CertificateException e) {
      throw new ConfigException("caFile", file + " holds no readable PEM certificate");
    }
    return file;
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
        + ", caFile="
        + caFile
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
