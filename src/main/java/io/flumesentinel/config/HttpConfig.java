package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the health endpoints listen; port 0 picks a free port. */
public record HttpConfig(String host, int port) {

  public static HttpConfig defaults() {
    return new HttpConfig("0.0.0.0", 8080);
  }

  /** The {@code http} section: {@code host} and {@code port}. */
  @JsonCreator
  static HttpConfig read(@JsonProperty("host") String host, @JsonProperty("port") Long port) {
    HttpConfig defaults = defaults();
    String checkedHost = host == null ? defaults.host : host.strip();
    if (checkedHost.isEmpty() || checkedHost.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(
          "host", "must be a host name or IP address, got " + ConfigChecks.quote(checkedHost));
    }
    return new HttpConfig(
        checkedHost, port == null ? defaults.port : ConfigChecks.port("port", port));
  }
}
