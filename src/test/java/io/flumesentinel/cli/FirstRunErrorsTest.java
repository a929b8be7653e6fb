package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.FlumeSentinel;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.ConfigOverrides;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.Zk;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What a user trying the monitor out sees when something else already holds what it needs: the
 * command line with the real launcher, against ports held by real sockets and a data directory held
 * by a monitor in another JVM. Each failure is one line naming what to change, with status 2.
 */
class FirstRunErrorsTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  private int monitor(String... options) {
    CommandLine commandLine = FlumeSentinel.commandLine(new MonitorBootstrap());
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));
    String[] args = new String[options.length + 1];
    args[0] = "monitor";
    System.arraycopy(options, 0, args, 1, options.length);
    return commandLine.execute(args);
  }

  private Path config(Path dataDir) throws Exception {
    return Files.writeString(
        dir.resolve("monitor.yaml"),
        "zookeeper: { embedded: { dataDir: \"" + dataDir.toAbsolutePath() + "\" } }\n");
  }

  private List<String> errLines() {
    return err.toString().lines().toList();
  }

  @Test
  void aBusyHttpPortNamesThePortAndItsOption() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();

      int status =
          monitor(
              "--config",
              config(dir.resolve("zookeeper")).toString(),
              "--embedded-zk-port",
              "0",
              "--http-port",
              Integer.toString(port));

      assertThat(status).isEqualTo(2);
      assertThat(errLines())
          .containsExactly(
              "flume-sentinel: config error: http.port: 0.0.0.0:"
                  + port
                  + " is already in use by another program (another monitor?): stop it, or"
                  + " choose another port with --http-port or http.port");
    }
    // Everything the failed start took is given back: the same directory starts a monitor.
    assertStarts(dir.resolve("zookeeper"));
  }

  @Test
  void aBusyEmbeddedZooKeeperPortNamesThePortAndItsOption() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = taken.getLocalPort();

      int status =
          monitor(
              "--config",
              config(dir.resolve("zookeeper")).toString(),
              "--embedded-zk-port",
              Integer.toString(port),
              "--http-port",
              "0");

      assertThat(status).isEqualTo(2);
      assertThat(errLines())
          .containsExactly(
              "flume-sentinel: config error: zookeeper.embedded.port: 127.0.0.1:"
                  + port
                  + " is already in use by another program (another monitor?): stop it, or"
                  + " choose another port with --embedded-zk-port or zookeeper.embedded.port");
    }
  }

  @Test
  void aBusyClusterPortNamesThePortAndItsKey() throws Exception {
    try (TestingServer zooKeeper = Zk.server();
        ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = taken.getLocalPort();
      Path config =
          Files.writeString(
              dir.resolve("cluster.yaml"),
              "zookeeper: { connect: \""
                  + zooKeeper.getConnectString()
                  + "\" }\n"
                  + "cluster: { insecure: true, host: 127.0.0.1, port: "
                  + port
                  + " }\n");

      int status = monitor("--config", config.toString(), "--http-port", "0");

      assertThat(status).isEqualTo(2);
      assertThat(errLines())
          .containsExactly(
              "flume-sentinel: config error: cluster.port: 127.0.0.1:"
                  + port
                  + " is already in use by another program (another monitor?): stop it, or"
                  + " choose another port with cluster.port in the config file");
    }
  }

  @Test
  void aSecondMonitorInTheSameDirectoryStopsAtOnceAndTheFirstRunsOn() throws Exception {
    Path dataDir = dir.resolve("zookeeper");
    Path config = config(dataDir);
    int firstHttp = Http.freePort();
    try (ChildJvm first =
        ChildJvm.main(
            FlumeSentinel.class.getName(),
            "monitor",
            "--config",
            config.toString(),
            "--embedded-zk-port",
            "0",
            "--http-port",
            Integer.toString(firstHttp))) {
      await().atMost(WAIT).until(() -> Http.status(firstHttp, "/health/ready") == 200);

      long starting = System.nanoTime();
      int status = monitor("--config", config.toString(), "--embedded-zk-port", "0");

      assertThat(status).isEqualTo(2);
      // At once: it did not wait for any ZooKeeper or port.
      assertThat(Duration.ofNanos(System.nanoTime() - starting)).isLessThan(Duration.ofSeconds(5));
      assertThat(errLines())
          .containsExactly(
              "flume-sentinel: config error: zookeeper.embedded.dataDir: "
                  + dataDir.toAbsolutePath().normalize()
                  + " is in use by another monitor's embedded ZooKeeper (it holds the lock on"
                  + " flume-sentinel.lock there): stop that monitor, or give this one another"
                  + " directory with zookeeper.embedded.dataDir (or run it from another"
                  + " directory)");
      assertThat(first.process().isAlive()).isTrue();
      assertThat(Http.status(firstHttp, "/health/ready")).isEqualTo(200);

      // However the holder ends, its lock goes with it.
      first.kill();
    }
    assertStarts(dataDir);
  }

  private void assertStarts(Path dataDir) throws Exception {
    try (Monitor monitor =
        Monitor.start(
            ConfigLoader.load(
                config(dataDir), new ConfigOverrides(null, null, 0, null, null, null, 0)),
            Clock.systemUTC())) {
      await().atMost(WAIT).until(() -> monitor.readiness().ready());
    }
  }
}
