package io.flumesentinel.config;

/** Where the health endpoints listen; port 0 picks a free port. */
public record HttpConfig(String host, int port) {

  public static HttpConfig defaults() {
    return new HttpConfig("0.0.0.0", 8080);
  }
}
