package io.flumesentinel.config;

import java.util.List;

/**
 * Everything the {@code monitor} command needs, validated.
 *
 * @param externalUrl the URL operators use to reach this monitor, sent as {@code externalURL}
 * @param route the route tree; {@code null} when none is configured: every alert goes to every
 *     receiver
 * @param flapping flap detection (on by default)
 * @param hostDown host-level inhibition (off by default)
 */
public record MonitorConfig(
    ZkConfig zookeeper,
    HttpConfig http,
    ClassifierConfig classifier,
    List<ReceiverConfig> receivers,
    String externalUrl,
    RouteConfig route,
    FlappingConfig flapping,
    HostDownConfig hostDown) {

  public MonitorConfig {
    receivers = List.copyOf(receivers);
    flapping = flapping == null ? FlappingConfig.defaults() : flapping;
    hostDown = hostDown == null ? HostDownConfig.defaults() : hostDown;
  }

  /** A config with the default flap detection and host-level inhibition. */
  public MonitorConfig(
      ZkConfig zookeeper,
      HttpConfig http,
      ClassifierConfig classifier,
      List<ReceiverConfig> receivers,
      String externalUrl,
      RouteConfig route) {
    this(zookeeper, http, classifier, receivers, externalUrl, route, null, null);
  }

  /** A config without a route tree: every alert goes to every receiver. */
  public MonitorConfig(
      ZkConfig zookeeper,
      HttpConfig http,
      ClassifierConfig classifier,
      List<ReceiverConfig> receivers,
      String externalUrl) {
    this(zookeeper, http, classifier, receivers, externalUrl, null);
  }

  public static MonitorConfig defaults() {
    return new MonitorConfig(
        ZkConfig.of(null), HttpConfig.defaults(), ClassifierConfig.defaults(), List.of(), "");
  }
}
