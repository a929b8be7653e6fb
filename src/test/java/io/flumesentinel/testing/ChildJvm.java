package io.flumesentinel.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A process started by a test or a benchmark, usually a JVM, with its output (stdout and stderr
 * merged) collected line by line, or written to a log file. Closing it stops the process within a
 * bound: nothing started here may outlive the test.
 */
public final class ChildJvm implements AutoCloseable {

  /** G1's {@code GC.heap_info}: "garbage-first heap total 262144K, used 23456K [...". */
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  /** The heap of a child started by {@link #main}. */
  public static final int DEFAULT_MAX_HEAP_MB = 128;

  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final Path log;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
    if (log != null) {
      reader = null;
      return;
    }
    reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            },
            "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** After the process ended: waits (bounded) until its last line has been read. */
  private void drainOutput() throws InterruptedException {
    if (reader != null) {
      reader.join(5000);
    }
  }

  /** {@code <java.home>/bin/<name>}, e.g. {@code java} or {@code jcmd}. */
  public static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  public static String java() {
    return tool("java");
  }

  /**
   * The command line that runs {@code mainClass} on this JVM's class path, in a JVM with this much
   * heap at most.
   */
  public static List<String> command(int maxHeapMb, String mainClass, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                java(),
                "-Xmx" + maxHeapMb + "m",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
    command.addAll(List.of(args));
    return command;
  }

  /** Runs {@code mainClass} on this test's class path. */
  public static ChildJvm main(String mainClass, String... args) throws IOException {
    return start(command(DEFAULT_MAX_HEAP_MB, mainClass, args));
  }

  /** Starts {@code command}, collecting its output. */
  public static ChildJvm start(List<String> command) throws IOException {
    return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start(), null);
  }

  /** Starts {@code command} with {@code environment} added to this JVM's, collecting its output. */
  public static ChildJvm start(List<String> command, java.util.Map<String, String> environment)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    return new ChildJvm(builder.start(), null);
  }

  /**
   * Starts {@code command} with its output going to {@code log}, which {@link #output()} then
   * reads.
   */
  public static ChildJvm start(List<String> command, Path log) throws IOException {
    return new ChildJvm(
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(),
        log);
  }

  /** Waits for a line matching {@code regex} and returns its first group (or the whole line). */
  public String await(String regex, Duration atMost) {
    Pattern pattern = Pattern.compile(regex);
    String[] found = new String[1];
    Awaitility.await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              List<String> output = output();
              for (String line : output) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                  found[0] = m.groupCount() > 0 ? m.group(1) : line;
                  return true;
                }
              }
              if (!process.isAlive()) {
                // its last lines may still be on their way from the pipe
                drainOutput();
                for (String line : output()) {
                  Matcher m = pattern.matcher(line);
                  if (m.find()) {
                    found[0] = m.groupCount() > 0 ? m.group(1) : line;
                    return true;
                  }
                }
                throw new IllegalStateException(
                    "child exited with "
                        + process.exitValue()
                        + ": "
                        + String.join("\n", output()));
              }
              return false;
            });
    return found[0];
  }

  /**
   * Forces a full GC in this JVM ({@code jcmd GC.run}) and returns the heap in use after it, in MB,
   * as G1's {@code GC.heap_info} reports it.
   */
  public double heapAfterGcMegabytes() throws Exception {
    jcmd("GC.run");
    String heapInfo = jcmd("GC.heap_info");
    Matcher used = HEAP_USED.matcher(heapInfo);
    if (!used.find()) {
      throw new IllegalStateException("no heap figure in jcmd GC.heap_info:\n" + heapInfo);
    }
    return Long.parseLong(used.group(1)) / 1024.0;
  }

  private String jcmd(String command) throws Exception {
    try (ChildJvm jcmd =
        ChildJvm.start(List.of(tool("jcmd"), Long.toString(process.pid()), command))) {
      int exit = jcmd.awaitExit(Duration.ofSeconds(30));
      String output = String.join("\n", jcmd.output());
      if (exit != 0) {
        throw new IllegalStateException("jcmd " + command + " failed: " + output);
      }
      return output;
    }
  }

  /** The lines the process printed so far. */
  public List<String> output() {
    if (log == null) {
      return List.copyOf(lines);
    }
    try {
      return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Process process() {
    return process;
  }

  /**
   * Waits for the process to end by itself and returns its exit code, once all its output is in.
   */
  public int awaitExit(Duration atMost) throws InterruptedException {
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "child still running after " + atMost.toMillis() + " ms: " + String.join("\n", output()));
    }
    drainOutput();
    return process.exitValue();
  }

  /** SIGKILL: the process gets no chance to clean up. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL after {@code grace}; returns the exit code. */
  public int stop(Duration grace) throws InterruptedException {
    // Through the handle: Process.destroy() would also close our ends of its pipes, losing what the
    // process prints while it shuts down.
    process.toHandle().destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    drainOutput();
    return process.exitValue();
  }

  /**
   * Stops the process if it still runs ({@link #stop} with a grace of 10 s); if interrupted, kills
   * it.
   */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      stop(CLOSE_GRACE);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
