package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size-rotated output files: each file within its cap, no more files than kept, newest last. */
class RotatingOutputTest {

  @TempDir Path dir;

  @Test
  void rotatesAtTheSizeCapAndKeepsNFiles() throws Exception {
    // 10 bytes a line ("line-0001" + newline), 35 bytes a file: 3 lines each
    try (RotatingOutput out =
        new RotatingOutput(new RotatingOutput.Settings(dir, 35, 3), "a1.log")) {
      for (int i = 1; i <= 20; i++) {
        out.line(String.format("line-%04d", i));
      }
    }
    assertThat(names()).containsExactly("a1.log", "a1.log.1", "a1.log.2");
    assertThat(Files.readString(dir.resolve("a1.log"))).isEqualTo("line-0019\nline-0020\n");
    assertThat(Files.readString(dir.resolve("a1.log.1")))
        .isEqualTo("line-0016\nline-0017\nline-0018\n");
    assertThat(Files.readString(dir.resolve("a1.log.2")))
        .isEqualTo("line-0013\nline-0014\nline-0015\n");
    for (String name : names()) {
      assertThat(Files.size(dir.resolve(name))).isLessThanOrEqualTo(35);
    }
  }

  @Test
  void continuesAnExistingFileAndALongLineGetsAFileOfItsOwn() throws Exception {
    Files.writeString(dir.resolve("a1.log"), "before\n");
    try (RotatingOutput out =
        new RotatingOutput(new RotatingOutput.Settings(dir, 20, 2), "a1.log")) {
      out.line("x".repeat(30));
      out.line("after");
    }
    assertThat(Files.readString(dir.resolve("a1.log"))).isEqualTo("after\n");
    assertThat(Files.readString(dir.resolve("a1.log.1"))).isEqualTo("x".repeat(30) + "\n");
    assertThat(names()).containsExactly("a1.log", "a1.log.1");
  }

  @Test
  void oneFileKeptMeansNoRotatedCopy() throws Exception {
    try (RotatingOutput out =
        new RotatingOutput(new RotatingOutput.Settings(dir, 12, 1), "o.log")) {
      for (int i = 0; i < 5; i++) {
        out.line("12345");
      }
    }
    assertThat(names()).containsExactly("o.log");
    assertThat(Files.readString(dir.resolve("o.log"))).isEqualTo("12345\n");
  }

  private java.util.List<String> names() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
