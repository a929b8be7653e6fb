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
 * @param cluster high availability; {@link ClusterConfig#disabled()} for a single monitor
 */
public record MonitorConfig(
    ZkConfig zookeeper,
    HttpConfig http,
    ClassifierConfig classifier,
    List<ReceiverConfig> receivers,
    String externalUrl,
    RouteConfig route,
    FlappingConfig flapping,
    HostDownConfig hostDown,
    ClusterConfig cluster) {

  public MonitorConfig {
    receivers = List.copyOf(receivers);
    flapping = flapping == null ? FlappingConfig.defaults() : flapping;
    hostDown = hostDown == null ? HostDownConfig.defaults() : hostDown;
    cluster = cluster == null ? ClusterConfig.disabled() : cluster;
  }

  /** A single monitor (no cluster). */
  public MonitorConfig(
      ZkConfig zookeeper,
      HttpConfig http,
      ClassifierConfig classifier,
      List<ReceiverConfig> receivers,
      String externalUrl,
      RouteConfig route,
      FlappingConfig flapping,
      HostDownConfig hostDown) {
    this(zookeeper, http, classifier, receivers, externalUrl, route, flapping, hostDown, null);
  }

  /** A single monitor with the default flap detection and host-level inhibition. */
  public MonitorConfig(
      ZkConfig zookeeper,
      HttpConfig http,
      ClassifierConfig classifier,
      List<ReceiverConfig> receivers,
      String externalUrl,
      RouteConfig route) {
    this(zookeeper, http, classifier, receivers, externalUrl, route, null, null, null);
  }

  /** A config without a route tree: every alert goes to every receiver. */
  public MonitorConfig(
      ZkConfig zookeeper,
      HttpConfig http,
      ClassifierConfig classifier,
      List<ReceiverConfig> receivers,
      String externalUrl) {
    this(zookeeper, http, classifier, receivers, externalUrl, null, null, null, null);
  }

  public static MonitorConfig defaults() {
    return new MonitorConfig(
        ZkConfig.of(null), HttpConfig.defaults(), ClassifierConfig.defaults(), List.of(), "");
  }

  public MonitorConfig withCluster(ClusterConfig newCluster) {
    return new MonitorConfig(
        zookeeper, http, classifier, receivers, externalUrl, route, flapping, hostDown, newCluster);
  }
}
