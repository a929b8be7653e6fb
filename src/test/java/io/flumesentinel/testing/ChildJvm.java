package io.flumesentinel.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/** A JVM started by a test, with its output collected line by line. */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** After the process ended: waits (bounded) until its last line has been read. */
  private void drainOutput() throws InterruptedException {
    reader.join(5000);
  }

  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Runs {@code mainClass} on this test's class path. */
  public static ChildJvm main(String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx128m", "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return start(command);
  }

  public static ChildJvm start(List<String> command) throws IOException {
    return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Waits for a line matching {@code regex} and returns its first group (or the whole line). */
  public String await(String regex, Duration atMost) {
    Pattern pattern = Pattern.compile(regex);
    String[] found = new String[1];
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> {
      for (String line : lines) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          found[0] = m.groupCount() > 0 ? m.group(1) : line;
          return true;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("child exited with " + process.exitValue() + ": " + String.join("\n", lines));
      }
      return false;
    });
    return found[0];
  }

  public List<String> output() {
    return List.copyOf(lines);
  }

  public Process process() {
    return process;
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

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop(Duration.ofSeconds(10));
    }
  }
}
