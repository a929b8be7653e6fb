package io.flumesentinel.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Values given on the command line, which win over the config file. {@code null} (or an empty list)
 * means "not given". Problems are reported with the option name as the key, e.g. {@code
 * --http-port}.
 *
 * @param zkConnect ZooKeeper connect string; blank selects the embedded server
 * @param webhooks one entry per receiver, each a comma-separated list of failover URLs; when any is
 *     given they replace the receivers of the file and are named {@code webhook-1}, {@code
 *     webhook-2}, …; the file's {@code route} is dropped with them, so every alert goes to every
 *     one of them
 * @param cluster {@code true} turns high availability on ({@code --cluster}), which needs the
 *     file's {@code cluster.tls} or {@code cluster.insecure: true}; {@code null}: as the file says
 * @param embeddedZkPort the embedded ZooKeeper's port ({@code --embedded-zk-port}), overriding
 *     {@code zookeeper.embedded.port}; it matters only when no ensemble is configured
 */
public record ConfigOverrides(
    String zkConnect,
    String root,
    Integer httpPort,
    List<String> webhooks,
    Long graceMs,
    Boolean cluster,
    Integer embeddedZkPort) {

  public ConfigOverrides {
    webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
  }

  public ConfigOverrides(
      String zkConnect,
      String root,
      Integer httpPort,
      List<String> webhooks,
      Long graceMs,
      Boolean cluster) {
    this(zkConnect, root, httpPort, webhooks, graceMs, cluster, null);
  }

  public ConfigOverrides(
      String zkConnect, String root, Integer httpPort, List<String> webhooks, Long graceMs) {
    this(zkConnect, root, httpPort, webhooks, graceMs, null, null);
  }

  public MonitorConfig applyTo(MonitorConfig config) {
    ZkConfig zk = config.zookeeper();
    if (zkConnect != null) {
      zk = zk.withConnect(ConfigChecks.connectString("--zk", zkConnect));
    }
    if (root != null) {
      zk = zk.withRoot(ConfigChecks.root("--root", root));
    }
    if (embeddedZkPort != null) {
      zk = zk.withEmbeddedPort(ConfigChecks.port("--embedded-zk-port", embeddedZkPort));
    }
    HttpConfig http = config.http();
    if (httpPort != null) {
      http = http.withPort(ConfigChecks.port("--http-port", httpPort));
    }
    ClassifierConfig classifier = config.classifier();
    if (graceMs != null) {
      long grace = ConfigChecks.inRange("--grace-ms", graceMs, 0, 86_400_000);
      classifier = new ClassifierConfig(Duration.ofMillis(grace), classifier.startTimeout());
    }
    ClusterConfig clusterConfig =
        cluster == null
            ? config.cluster()
            : config.cluster().withEnabled(cluster).checkTransport("--cluster");
    // --webhook replaces the file's receivers, and with them its routes, which name them.
    boolean replaced = !webhooks.isEmpty();
    return new MonitorConfig(
            zk,
            http,
            classifier,
            replaced ? List.copyOf(webhookReceivers()) : config.receivers(),
            config.externalUrl(),
            replaced ? null : config.route(),
            config.flapping(),
            config.hostDown(),
            clusterConfig,
            config.silences())
        .withGroupDegraded(config.groupDegraded())
        // The Watchdog names a receiver of the file: with the file's receivers replaced, it is off.
        .withAlerting(
            config.annotations(),
            replaced ? WatchdogConfig.disabled() : config.watchdog(),
            config.receiverFailing())
        .withHistory(config.history());
  }

  private List<WebhookReceiverConfig> webhookReceivers() {
    List<WebhookReceiverConfig> receivers = new ArrayList<>();
    for (String value : webhooks) {
      List<String> urls = new ArrayList<>();
      for (String url : value.split(",", -1)) {
        if (url.isBlank()) {
          throw new ConfigException("--webhook", "empty URL in " + ConfigChecks.quote(value));
        }
        urls.add(ConfigChecks.httpUrl("--webhook", url));
      }
      receivers.add(WebhookReceiverConfig.of("webhook-" + (receivers.size() + 1), urls));
    }
    return receivers;
  }
}
