package io.flumesentinel.cli;

import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.ConfigOverrides;
import io.flumesentinel.config.MonitorConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flume-sentinel monitor}: builds the {@link MonitorConfig} from the YAML file and the
 * options, then hands it to a {@link MonitorLauncher}. Nothing is started before the whole config
 * is valid.
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Watches the Flume agents registered in ZooKeeper and alerts the configured receivers when one"
          + " dies; an agent stopped on purpose raises no alert.",
      "Without --config and --zk it starts an embedded ZooKeeper, for trying out only."
    })
public final class MonitorCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML config file (see conf/monitor.yaml). Without it, every setting has its default.")
  private Path configFile;

  @Option(
      names = "--zk",
      paramLabel = "CONNECT",
      description =
          "ZooKeeper connect string, e.g. zk1:2181,zk2:2181. Overrides zookeeper.connect;"
              + " an empty value starts the embedded ZooKeeper.")
  private String zkConnect;

  @Option(
      names = "--root",
      paramLabel = "PATH",
      description =
          "ZooKeeper znode under which agents register. Overrides zookeeper.root"
              + " (default /flume-sentinel).")
  private String root;

  @Option(
      names = "--http-port",
      paramLabel = "N",
      description =
          "Port of the health and status endpoints; 0 picks a free port. Overrides http.port"
              + " (default 8080).")
  private Integer httpPort;

  @Option(
      names = "--embedded-zk-port",
      paramLabel = "N",
      description =
          "Port of the embedded ZooKeeper (started without --zk), on 127.0.0.1; 0 picks a free"
              + " port. Overrides zookeeper.embedded.port (default 2181).")
  private Integer embeddedZkPort;

  @Option(
      names = "--webhook",
      paramLabel = "URL[,URL...]",
      description =
          "Send alerts to this webhook. Repeat for more receivers (named webhook-1, webhook-2, ...);"
              + " several comma-separated URLs in one value are tried in order (failover)."
              + " Replaces the receivers of the config file and drops its route.")
  private List<String> webhooks;

  @Option(
      names = "--grace-ms",
      paramLabel = "N",
      description =
          "How long a lost agent session may wait for the agent to come back before alerting,"
              + " in milliseconds (0: at once). Overrides classifier.grace.")
  private Long graceMs;

  @Option(
      names = "--cluster",
      description =
          "High availability: run as one of several monitors of the same root, one of them active,"
              + " in a clustered Vert.x on the same ZooKeeper. Overrides cluster.enabled; needs"
              + " cluster.tls (or cluster.insecure: true) in the config file.")
  private Boolean cluster;

  private final MonitorLauncher launcher;

  public MonitorCommand(MonitorLauncher launcher) {
    this.launcher = launcher;
  }

  @Override
  public Integer call() throws Exception {
    ConfigOverrides overrides =
        new ConfigOverrides(zkConnect, root, httpPort, webhooks, graceMs, cluster, embeddedZkPort);
    MonitorConfig config = ConfigLoader.load(configFile, overrides);
    launcher.launch(config);
    return 0;
  }
}
