package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where and how the HTTP endpoints listen; port 0 picks a free port.
 *
 * @param tls {@link HttpTlsConfig#OFF} for plain HTTP
 * @param auth {@link HttpAuthConfig#none()}: no token needed anywhere
 * @param rateLimit requests per client address
 */
public record HttpConfig(
    String host, int port, HttpTlsConfig tls, HttpAuthConfig auth, HttpRateLimitConfig rateLimit) {

  private static final Pattern IP_LITERAL =
      Pattern.compile("[0-9.]+|\\[?[0-9A-Fa-f]*:[0-9A-Fa-f:.]*]?");

  public HttpConfig {
    tls = tls == null ? HttpTlsConfig.OFF : tls;
    auth = auth == null ? HttpAuthConfig.none() : auth;
    rateLimit = rateLimit == null ? HttpRateLimitConfig.defaults() : rateLimit;
  }

  /** Plain HTTP without tokens, with the default rate limit. */
  public HttpConfig(String host, int port) {
    this(host, port, null, null, null);
  }

  public static HttpConfig defaults() {
    return new HttpConfig("0.0.0.0", 8080);
  }

  public HttpConfig withPort(int newPort) {
    return new HttpConfig(host, newPort, tls, auth, rateLimit);
  }

  /**
   * The address of this monitor's own HTTP server (its dashboard), as the default {@code
   * externalUrl}: {@code http} or {@code https} as TLS says, the configured host, or {@code
   * machineName} when the server listens on every address ({@code 0.0.0.0}, {@code ::}), and the
   * port it listens on.
   *
   * @param listeningPort the port actually bound (the configured one may be 0)
   * @param machineName this machine's host name
   */
  public String selfUrl(int listeningPort, String machineName) {
    String name = host;
    if (name.equals("0.0.0.0") || name.equals("::") || name.equals("[::]")) {
      name = machineName;
    } else if (name.contains(":") && !name.startsWith("[")) {
      name = "[" + name + "]";
    }
    return (tls.enabled() ? "https" : "http") + "://" + name + ":" + listeningPort;
  }

  /**
   * Whether only this machine can reach the port: {@code host} is {@code localhost} or a loopback
   * address. A host name other than {@code localhost} counts as reachable from elsewhere, since
   * telling would take a DNS lookup.
   */
  public boolean loopbackOnly() {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.equals("localhost")) {
      return true;
    }
    if (!IP_LITERAL.matcher(name).matches()) {
      return false;
    }
    try {
      // A literal address is parsed, never looked up.
      return InetAddress.getByName(name).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The {@code http} section: {@code host}, {@code port}, {@code tls}, {@code auth}, {@code
   * rateLimit}.
   */
  @JsonCreator
  static HttpConfig read(
      @JsonProperty("host") String host,
      @JsonProperty("port") Long port,
      @JsonProperty("tls") WrittenHttpTls tls,
      @JsonProperty("auth") HttpAuthConfig auth,
      @JsonProperty("rateLimit") HttpRateLimitConfig rateLimit) {
    HttpConfig defaults = defaults();
    String checkedHost = host == null ? defaults.host : host.strip();
    if (checkedHost.isEmpty() || checkedHost.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(
          "host", "must be a host name or IP address, got " + ConfigChecks.quote(checkedHost));
    }
    return new HttpConfig(
        checkedHost,
        port == null ? defaults.port : ConfigChecks.port("port", port),
        tls == null ? null : tls.value(),
        auth,
        rateLimit);
  }
}
