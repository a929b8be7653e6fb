package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading an environment file as systemd's EnvironmentFile= does, and naming a bad line. */
class EnvironmentFileTest {

  @TempDir Path dir;

  @Test
  void readsNamesAndValuesAsWritten() throws Exception {
    Path file = dir.resolve("a1.env");
    Files.writeString(
        file,
        String.join(
            "\n",
            "# Flume's environment",
            "; a comment too",
            "",
            "JAVA_OPTS=-Xmx1g -Dflume.monitoring.type=http",
            "export FLUME_HOME=/opt/flume",
            "  SPACED  =  around  ",
            "SINGLE='as $written \\n'",
            "DOUBLE=\"with \\\"escapes\\\" and \\\\ and \\$HOME\"",
            "EMPTY=",
            "QUOTED_COMMENT=\"x\" # after",
            "SPACED=later wins",
            ""));
    assertThat(EnvironmentFile.read(file, "--env-file"))
        .containsExactly(
            java.util.Map.entry("JAVA_OPTS", "-Xmx1g -Dflume.monitoring.type=http"),
            java.util.Map.entry("FLUME_HOME", "/opt/flume"),
            java.util.Map.entry("SPACED", "later wins"),
            java.util.Map.entry("SINGLE", "as $written \\n"),
            java.util.Map.entry("DOUBLE", "with \"escapes\" and \\ and $HOME"),
            java.util.Map.entry("EMPTY", ""),
            java.util.Map.entry("QUOTED_COMMENT", "x"));
  }

  @Test
  void aBadLineNamesTheKeyTheFileAndTheLineButNotTheValue() throws Exception {
    String[][] table = {
      {"OK=1\nno equals sign here\n", "line 2: not NAME=VALUE"},
      {"OK=1\n\n1BAD=x\n", "line 3: '1BAD' is not a variable name ([A-Za-z_][A-Za-z0-9_]*)"},
      {"PASSWORD=\"hunter2\n", "line 1 (PASSWORD): the quoted value has no closing \""},
      {"TOKEN='s3cret' trailing\n", "line 1 (TOKEN): text after the closing quote"},
    };
    for (String[] row : table) {
      Path file = dir.resolve("bad.env");
      Files.writeString(file, row[0]);
      assertThatThrownBy(() -> EnvironmentFile.read(file, "agents[0].envFile"))
          .isInstanceOf(ConfigException.class)
          .hasMessage("agents[0].envFile: " + file + " " + row[1])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2", "s3cret"));
    }
  }

  @Test
  void aMissingFileIsAConfigError() {
    Path missing = dir.resolve("missing.env");
    assertThatThrownBy(() -> EnvironmentFile.read(missing, "--env-file"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--env-file: no such file: " + missing);
  }
}
