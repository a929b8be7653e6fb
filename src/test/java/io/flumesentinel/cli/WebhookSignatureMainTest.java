package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.FlumeSentinel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code main} in its own JVM, given a signed webhook whose secret is not set. */
class WebhookSignatureMainTest {

  @Test
  void aSigningSecretThatIsNotSetExitsWith2NamingTheKey(@TempDir Path dir) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("monitor.yaml"),
            """
            receivers:
              - name: ops
                urls: [ "http://127.0.0.1:9/hook" ]
                signature: { secretEnv: FLUME_SENTINEL_TEST_UNSET_SECRET }
            """);
    Path stderr = dir.resolve("stderr");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                FlumeSentinel.class.getName(),
                "monitor",
                "--config",
                config.toString())
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(stderr.toFile());
    builder.environment().remove("FLUME_SENTINEL_TEST_UNSET_SECRET");

    Process process = builder.start();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(Files.readAllLines(stderr, StandardCharsets.UTF_8))
        .containsExactly(
            "flume-sentinel: config error: receivers[0].signature.secretEnv: the environment"
                + " variable FLUME_SENTINEL_TEST_UNSET_SECRET is not set");
  }
}
