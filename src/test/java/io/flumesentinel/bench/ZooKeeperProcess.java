package io.flumesentinel.bench;

import io.flumesentinel.zk.StandaloneZooKeeper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real ZooKeeper server in a JVM of its own ({@link StandaloneZooKeeper}), so that the server's
 * threads, heap and GC do not share the monitor's JVM and distort what is measured.
 */
final class ZooKeeperProcess implements AutoCloseable {

  /** Short ticks let the server accept short sessions; the benchmarks never wait for an expiry. */
  private static final String TICK_TIME_MS = "200";
  private static final Pattern LISTENING = Pattern.compile("ZooKeeper listening on (\\S+:\\d+)");

  private final Process process;
  private final Path dataDir;
  private final String connectString;

  private ZooKeeperProcess(Process process, Path dataDir, String connectString) {
    this.process = process;
    this.dataDir = dataDir;
    this.connectString = connectString;
  }

  /** Starts the server on a free port and returns once it has said it listens. */
  static ZooKeeperProcess start() throws IOException, InterruptedException {
    Path dataDir = Files.createTempDirectory("bench-zookeeper");
    ProcessBuilder builder =
        new ProcessBuilder(JvmProcess.command(StandaloneZooKeeper.class, "0", dataDir.toString(), TICK_TIME_MS))
            .redirectErrorStream(true);
    Process process = builder.start();
    CompletableFuture<String> connect = new CompletableFuture<>();
    // Keeps reading after the port is known: a full pipe would block the server's logging threads.
    Thread reader = new Thread(() -> readOutput(process, connect), "zookeeper-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ZooKeeperProcess(process, dataDir, connect.get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      JvmProcess.stop(process);
      throw new IllegalStateException("ZooKeeper did not start: " + e, e);
    }
  }

  private static void readOutput(Process process, CompletableFuture<String> connect) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        Matcher listening = LISTENING.matcher(line);
        if (listening.find()) {
          connect.complete(listening.group(1));
        } else if (!connect.isDone()) {
          System.out.println("[zookeeper] " + line);
        }
      }
      connect.completeExceptionally(new IllegalStateException("exited with " + process.waitFor()));
    } catch (IOException | InterruptedException e) {
      connect.completeExceptionally(e);
    }
  }

  String connectString() {
    return connectString;
  }

  @Override
  public void close() {
    JvmProcess.stop(process);
    try (var files = Files.walk(dataDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
