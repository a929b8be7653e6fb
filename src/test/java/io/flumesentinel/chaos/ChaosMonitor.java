package io.flumesentinel.chaos;

import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.ClusterTls;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.MonitorJar;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fat jar's {@code monitor} in a JVM of its own, configured by a file as an operator would, its
 * output going to a log file that the {@link ChaosReport} keeps should the scenario fail. Unlike
 * {@link MonitorJar} it is told its heap and ZooKeeper root, and it measures: the time from its
 * launch to ready, the latency of a request, the heap it holds after a full GC.
 */
final class ChaosMonitor implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * How one monitor is configured.
   *
   * @param connect the ZooKeeper connect string
   * @param root the protocol's root znode
   * @param sessionTimeout the monitor's ZooKeeper session timeout
   * @param webhookUrl its one receiver, a webhook
   * @param cluster whether it runs with {@code cluster: true}
   * @param maxHeapMb its {@code -Xmx}
   * @param topLines more top-level lines of its file, e.g. {@code classifier: {...}}
   */
  record Config(
      String connect,
      String root,
      Duration sessionTimeout,
      String webhookUrl,
      boolean cluster,
      int maxHeapMb,
      List<String> topLines) {

    Config {
      topLines = List.copyOf(topLines);
    }

    /** A single monitor with the default session timeout (15 s) and a heap of 256 MB. */
    static Config of(String connect, String root, String webhookUrl) {
      return new Config(connect, root, Duration.ofSeconds(15), webhookUrl, false, 256, List.of());
    }

    Config sessionTimeout(Duration timeout) {
      return new Config(connect, root, timeout, webhookUrl, cluster, maxHeapMb, topLines);
    }

    Config clustered() {
      return new Config(connect, root, sessionTimeout, webhookUrl, true, maxHeapMb, topLines);
    }

    Config maxHeapMb(int megabytes) {
      return new Config(connect, root, sessionTimeout, webhookUrl, cluster, megabytes, topLines);
    }

    Config with(String topLine) {
      List<String> more = new ArrayList<>(topLines);
      more.add(topLine);
      return new Config(connect, root, sessionTimeout, webhookUrl, cluster, maxHeapMb, more);
    }
  }

  private final String name;
  private final ChildJvm jvm;
  private final int httpPort;
  private final long launchedNanos;

  private ChaosMonitor(String name, ChildJvm jvm, int httpPort, long launchedNanos) {
    this.name = name;
    this.jvm = jvm;
    this.httpPort = httpPort;
    this.launchedNanos = launchedNanos;
  }

  /**
   * Writes {@code dir/<name>.yaml} and starts the monitor on a free HTTP port, its output in {@code
   * dir/<name>.log} (kept by {@code report} should the scenario fail); does not wait.
   */
  static ChaosMonitor launch(Path dir, String name, Config config, ChaosReport report)
      throws IOException {
    int httpPort = Http.freePort();
    long sessionMs = config.sessionTimeout().toMillis();
    List<String> lines = new ArrayList<>();
    lines.add("zookeeper:");
    lines.add("  connect: \"" + config.connect() + "\"");
    lines.add("  root: \"" + config.root() + "\"");
    lines.add("  sessionTimeout: " + sessionMs + "ms");
    lines.add("  connectionTimeout: " + Math.min(sessionMs, 5000) + "ms");
    // The scenarios ask /status for the role every 20 ms, which the per-client rate limit would
    // slow down and so blur the handover they measure.
    lines.add("http: { host: 127.0.0.1, port: " + httpPort + ", rateLimit: false }");
    lines.add("receivers:");
    lines.add("  - name: ops");
    lines.add("    urls: [ \"" + config.webhookUrl() + "\" ]");
    lines.add("    backoff: { initial: 100ms, max: 2s }");
    if (config.cluster()) {
      lines.addAll(ClusterTls.shared().yaml("127.0.0.1"));
    }
    lines.addAll(config.topLines());
    // each monitor its own history: several run from one directory
    if (config.topLines().stream().noneMatch(line -> line.startsWith("history"))) {
      lines.add("history: { dir: \"" + dir.resolve(name + "-history") + "\" }");
    }
    lines.add("");
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, String.join("\n", lines));
    Path log = dir.resolve(name + ".log");
    report.logOnFailure(file);
    report.logOnFailure(log);
    long launched = System.nanoTime();
    ChildJvm jvm =
        ChildJvm.start(
            MonitorJar.command(config.maxHeapMb(), "monitor", "--config", file.toString()), log);
    return new ChaosMonitor(name, jvm, httpPort, launched);
  }

  String name() {
    return name;
  }

  /**
   * Waits until it answers ready, at most {@code atMost}; returns the milliseconds since its
   * launch.
   *
   * @throws AssertionError when it is not ready in time, or its process ended
   */
  double awaitReady(Duration atMost) {
    Waits.until(
        name + " ready within " + atMost.toSeconds() + " s of its launch",
        atMost,
        () -> {
          requireAlive();
          return status("/health/ready") == 200;
        });
    return (System.nanoTime() - launchedNanos) / 1e6;
  }

  /** The status code of a GET of {@code path}, or -1 if nothing answered within 2 s. */
  int status(String path) throws InterruptedException {
    return Http.status(httpPort, path);
  }

  /** The body of a GET of {@code path}, or {@code null} if nothing answered within 2 s. */
  String body(String path) throws InterruptedException {
    return Http.body(httpPort, path);
  }

  /** One timed GET: its status (-1 when nothing answered) and how long the answer took. */
  record Timed(int status, double millis) {}

  /** A GET of {@code path} (already URL-encoded), timed, waiting at most {@code atMost}. */
  Timed timed(String path, Duration atMost) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(atMost)
            .build();
    long started = System.nanoTime();
    int status;
    try {
      status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      status = -1;
    }
    return new Timed(status, (System.nanoTime() - started) / 1e6);
  }

  /** {@code role} of {@code /status} ({@code active}, {@code standby}, ...), or {@code null}. */
  String role() throws InterruptedException {
    String body = body("/status");
    if (body == null) {
      return null;
    }
    try {
      return new JsonObject(body).getString("role");
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  /**
   * @throws AssertionError when its process has ended, with its exit code and last line: a wait for
   *     the monitor fails at once rather than at its bound
   */
  void requireAlive() {
    if (jvm.process().isAlive()) {
      return;
    }
    List<String> output = output();
    throw new AssertionError(
        name
            + " exited with "
            + jvm.process().exitValue()
            + (output.isEmpty() ? "" : ": " + output.get(output.size() - 1)));
  }

  /**
   * Forces a full GC in the monitor ({@code jcmd GC.run}) and returns the heap in use after it, in
   * MB.
   */
  double heapAfterGcMegabytes() throws Exception {
    return jvm.heapAfterGcMegabytes();
  }

  /** The lines it printed so far. */
  List<String> output() {
    return jvm.output();
  }

  /** SIGKILL: it gets no chance to clean up (its ZooKeeper sessions expire). */
  void kill() throws InterruptedException {
    jvm.kill();
  }

  /** SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() {
    jvm.close();
  }
}
