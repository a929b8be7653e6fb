package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.FlumeSentinel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code main} in its own JVM: what an operator's shell sees for a broken config. */
class FlumeSentinelMainTest {

  @Test
  void aBrokenConfigExitsWith2AndOneStderrLine(@TempDir Path dir) throws Exception {
    Path config =
        Files.writeString(dir.resolve("monitor.yaml"), "zookeeper:\n  sessionTimeoutMs: 0\n");
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                FlumeSentinel.class.getName(),
                "monitor",
                "--config",
                config.toString())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(Files.readAllLines(stderr, StandardCharsets.UTF_8))
        .containsExactly(
            "flume-sentinel: config error: zookeeper.sessionTimeoutMs: must be between 1000 and 600000, got 0");
  }
}
