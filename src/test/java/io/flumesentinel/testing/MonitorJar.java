package io.flumesentinel.testing;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fat jar's {@code monitor} as an operator runs it, in a JVM of its own, against a ZooKeeper
 * and alerting a {@link WebhookReceiver}; {@link #start} returns once it answers ready. Also the
 * command lines of the fat jar's other commands.
 */
public final class MonitorJar implements AutoCloseable {

  private final ChildJvm jvm;
  private final int httpPort;

  private MonitorJar(ChildJvm jvm, int httpPort) {
    this.jvm = jvm;
    this.httpPort = httpPort;
  }

  /** The fat jar the build made. */
  public static String jar() {
    return System.getProperty("flumesentinel.jar");
  }

  /** {@code java -Xmx<maxHeapMb>m -jar <fat jar> <args...>}. */
  public static List<String> command(int maxHeapMb, String... args) {
    List<String> command =
        new ArrayList<>(List.of(ChildJvm.java(), "-Xmx" + maxHeapMb + "m", "-jar", jar()));
    command.addAll(List.of(args));
    return command;
  }

  /** The command line of the fat jar's {@code supervise} with these arguments. */
  public static List<String> supervise(List<String> args) {
    List<String> command = command(96, "supervise");
    command.addAll(args);
    return command;
  }

  /**
   * Writes {@code dir/monitor.yaml} for ZooKeeper {@code connect} and {@code receiver}, starts the
   * monitor on a free HTTP port and waits until it answers ready.
   */
  public static MonitorJar start(Path dir, String connect, WebhookReceiver receiver)
      throws Exception {
    MonitorJar monitor = launch(dir, connect, receiver);
    try {
      monitor.awaitReady();
    } catch (RuntimeException e) {
      monitor.close();
      throw e;
    }
    return monitor;
  }

  /** As {@link #start}, without waiting until it is ready: see {@link #awaitReady}. */
  public static MonitorJar launch(Path dir, String connect, WebhookReceiver receiver)
      throws Exception {
    return launch(dir, connect, receiver, List.of(), List.of());
  }

  /**
   * As {@link #launch(Path, String, WebhookReceiver)}, with more lines under {@code zookeeper:}
   * (indented by the caller) and more top-level lines, e.g. {@code cluster: true}.
   */
  public static MonitorJar launch(
      Path dir,
      String connect,
      WebhookReceiver receiver,
      List<String> zookeeperLines,
      List<String> topLines)
      throws Exception {
    int httpPort = Http.freePort();
    Path config = dir.resolve("monitor.yaml");
    List<String> lines = new ArrayList<>();
    lines.add("zookeeper:");
    lines.add("  connect: \"" + connect + "\"");
    lines.addAll(zookeeperLines);
    lines.addAll(
        List.of(
            "http: { host: 127.0.0.1, port: " + httpPort + " }",
            "receivers:",
            "  - name: ops",
            "    urls: [ \"" + receiver.url() + "\" ]",
            "    backoff: { initialMs: 100, maxMs: 2000 }"));
    lines.addAll(topLines);
    // each monitor its own history, wherever the test runs it from
    if (topLines.stream().noneMatch(line -> line.startsWith("history"))) {
      lines.add("history: { dir: \"" + dir.resolve("history") + "\" }");
    }
    lines.add("");
    Files.writeString(config, String.join("\n", lines));
    return new MonitorJar(
        ChildJvm.start(command(256, "monitor", "--config", config.toString())), httpPort);
  }

  /** Waits (60 s at most) until the monitor answers ready. */
  public void awaitReady() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> get("/health/ready") == 200);
  }

  /** The status code of a GET of {@code path} on the monitor's HTTP port, or -1. */
  public int get(String path) throws InterruptedException {
    return Http.status(httpPort, path);
  }

  /** The body of a GET of {@code path} on the monitor's HTTP port, or {@code null}. */
  public String body(String path) throws InterruptedException {
    return Http.body(httpPort, path);
  }

  /** SIGKILL: the monitor gets no chance to clean up (its ZooKeeper sessions expire). */
  public void kill() throws InterruptedException {
    jvm.kill();
  }

  /** The lines the monitor printed so far. */
  public List<String> output() {
    return jvm.output();
  }

  /** {@link ChildJvm#stop}: SIGTERM, then SIGKILL after {@code grace}; returns the exit code. */
  public int stop(Duration grace) throws InterruptedException {
    return jvm.stop(grace);
  }

  @Override
  public void close() {
    jvm.close();
  }
}
