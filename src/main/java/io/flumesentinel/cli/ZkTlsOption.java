package io.flumesentinel.cli;

import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.ZkTlsConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --zk-tls-config FILE}: TLS to ZooKeeper for the commands without a config file of their
 * own. The file holds the keys of the monitor's {@code zookeeper.tls} section, so that passwords
 * stay out of the command line (and out of {@code ps}).
 */
final class ZkTlsOption {

  @Option(
      names = "--zk-tls-config",
      paramLabel = "FILE",
      description =
          "Connect to ZooKeeper with TLS, as this YAML file says (the keys of the monitor's"
              + " zookeeper.tls: keyStore, trustStore, hostnameVerification).")
  Path file;

  /** The settings of the file, or {@code null} without the option. */
  ZkTlsConfig load() {
    return file == null ? null : ConfigLoader.loadZkTls(file);
  }
}
