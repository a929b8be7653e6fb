package io.flumesentinel.bench;

import io.flumesentinel.FlumeSentinel;
import io.flumesentinel.testing.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The monitor as operators run it: {@code FlumeSentinel monitor ...} in a JVM of its own. Measures
 * how long the process takes to answer 200 on {@code /health/ready}, and the heap it holds after a
 * full GC.
 */
final class MonitorProcess implements AutoCloseable {

  /**
   * The monitor's heap, the same in every run, so that the heap figure is comparable between runs.
   */
  private static final int MAX_HEAP_MB = 256;

  private static final long POLL_MS = 20;
  private static final long READY_WITHIN_MS = 60_000;

  private final ChildJvm jvm;
  private final long startedNanos;
  private final int httpPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private MonitorProcess(ChildJvm jvm, long startedNanos, int httpPort) {
    this.jvm = jvm;
    this.startedNanos = startedNanos;
    this.httpPort = httpPort;
  }

  /** Starts the monitor of {@code root}; its output goes to {@code log}. */
  static MonitorProcess start(String zkConnect, String root, String webhookUrl, Path log)
      throws IOException {
    int port = freePort();
    List<String> command =
        ChildJvm.command(
            MAX_HEAP_MB,
            FlumeSentinel.class.getName(),
            "monitor",
            "--zk",
            zkConnect,
            "--root",
            root,
            "--http-port",
            Integer.toString(port),
            "--webhook",
            webhookUrl);
    long started = System.nanoTime();
    return new MonitorProcess(ChildJvm.start(command, log), started, port);
  }

  /** A port nothing listens on now; the monitor binds it a moment later. */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Polls {@code /health/ready} until it answers 200; returns milliseconds since the process was
   * started.
   */
  double awaitReadyMillis() throws Exception {
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
            .timeout(Duration.ofSeconds(1))
            .build();
    long deadline = startedNanos + TimeUnit.MILLISECONDS.toNanos(READY_WITHIN_MS);
    while (System.nanoTime() < deadline) {
      if (!jvm.process().isAlive()) {
        throw new IllegalStateException(
            "monitor exited with " + jvm.process().exitValue() + " before it was ready");
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return BenchReport.ms(System.nanoTime() - startedNanos);
        }
      } catch (IOException notListeningYet) {
        // The HTTP port opens only once the monitor has started its health verticle.
      }
      Thread.sleep(POLL_MS);
    }
    throw new IllegalStateException("monitor not ready within " + READY_WITHIN_MS + " ms");
  }

  /**
   * Forces a full GC in the monitor ({@code jcmd GC.run}) and returns the heap in use after it, in
   * MB.
   */
  double heapAfterGcMegabytes() throws Exception {
    return jvm.heapAfterGcMegabytes();
  }

  /**
   * Asks the monitor to stop (SIGTERM, so shutdown hooks run), and kills it if it has not within a
   * bound.
   */
  @Override
  public void close() {
    jvm.close();
  }
}
