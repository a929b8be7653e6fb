package io.flumesentinel.appender;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where one Flume agent's Avro source listens.
 *
 * @param name how the appender names the agent in its messages: the agent id when discovered, else
 *     {@code host:port}
 */
public record AgentAddress(String name, String host, int port) {

  private static final int MAX_HOST_LENGTH = 253;
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]-]+");

  public AgentAddress {
    if (host == null || host.isEmpty() || host.length() > MAX_HOST_LENGTH) {
      throw new IllegalArgumentException("host must be 1-" + MAX_HOST_LENGTH + " characters");
    }
    if (!HOST.matcher(host).matches()) {
      throw new IllegalArgumentException("host has characters a host name cannot have");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535");
    }
    name = name == null || name.isEmpty() ? host + ":" + port : name;
  }

  /**
   * Parses {@code HOST:PORT} (an IPv6 address in brackets, {@code [::1]:4141}).
   *
   * @throws IllegalArgumentException saying what is wrong, without repeating the text
   */
  public static AgentAddress parse(String name, String text) {
    if (text == null) {
      throw new IllegalArgumentException("HOST:PORT expected");
    }
    String trimmed = text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      throw new IllegalArgumentException("HOST:PORT expected");
    }
    String host = trimmed.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(trimmed.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the port must be a number");
    }
    return new AgentAddress(name, host, port);
  }

  /** A comma- or space-separated list of {@code HOST:PORT}, in order. */
  public static List<AgentAddress> parseList(String text) {
    List<AgentAddress> agents = new ArrayList<>();
    if (text == null) {
      return agents;
    }
    for (String item : text.split("[,\\s]+")) {
      if (!item.isEmpty()) {
        agents.add(parse(null, item));
      }
    }
    return agents;
  }

  /** {@code host:port}: two addresses naming the same endpoint are the same agent to the sender. */
  public String endpoint() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
