package io.flumesentinel.config;

import java.util.List;

/**
 * Everything the {@code monitor} command needs, validated.
 *
 * @param externalUrl the URL operators use to reach this monitor, sent as {@code externalURL}
 */
public record MonitorConfig(
    ZkConfig zookeeper,
    HttpConfig http,
    ClassifierConfig classifier,
    List<ReceiverConfig> receivers,
    String externalUrl) {

  public MonitorConfig {
    receivers = List.copyOf(receivers);
  }

  public static MonitorConfig defaults() {
    return new MonitorConfig(
        ZkConfig.of(null), HttpConfig.defaults(), ClassifierConfig.defaults(), List.of(), "");
  }
}
