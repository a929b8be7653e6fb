package io.flumesentinel.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a class of this project in a JVM of its own, with this JVM's class path, and stops it again
 * within a bound: benchmarks must never leave a process behind.
 */
final class JvmProcess {

  /** The heap every child JVM gets, so that a heap figure or a GC pause is comparable between runs. */
  static final String MAX_HEAP = "-Xmx256m";

  private JvmProcess() {}

  /** {@code <java.home>/bin/<tool>}, e.g. {@code java} or {@code jcmd}. */
  static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  /** The command line that runs {@code mainClass} with {@code args} in a fresh JVM. */
  static List<String> command(Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(tool("java"));
    command.add(MAX_HEAP);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return command;
  }

  /** Asks the process to stop (SIGTERM, so shutdown hooks run), and kills it if it has not after a bound. */
  static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
