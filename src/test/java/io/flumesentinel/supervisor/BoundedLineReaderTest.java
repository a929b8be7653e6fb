package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.supervisor.BoundedLineReader.Line;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BoundedLineReaderTest {

  static Stream<Arguments> streams() {
    return Stream.of(
        Arguments.of("", List.of()),
        Arguments.of("a\nb\n", List.of(new Line("a", false), new Line("b", false))),
        Arguments.of("a\r\nb", List.of(new Line("a", false), new Line("b", false))),
        Arguments.of("\n\n", List.of(new Line("", false), new Line("", false))),
        // exactly the limit is whole; one more is cut and the rest up to the newline dropped
        Arguments.of("abcd\nx\n", List.of(new Line("abcd", false), new Line("x", false))),
        Arguments.of("abcde\nx\n", List.of(new Line("abcd", true), new Line("x", false))),
        Arguments.of("abcdefghij", List.of(new Line("abcd", true))),
        Arguments.of("abcdefghij\n\n", List.of(new Line("abcd", true), new Line("", false))));
  }

  @ParameterizedTest
  @MethodSource("streams")
  void linesAreCutAtTheLimit(String stream, List<Line> expected) throws IOException {
    BoundedLineReader reader = new BoundedLineReader(new StringReader(stream), 4);
    List<Line> lines = new ArrayList<>();
    Line line;
    while ((line = reader.next()) != null) {
      lines.add(line);
    }
    assertThat(lines).isEqualTo(expected);
  }

  @Test
  void aGigabyteWithoutNewlineIsReadToItsEndAsOneCutLine() throws IOException {
    long size = 1L << 30;
    CountingReader endless = new CountingReader(size, "\nafter\n");
    BoundedLineReader reader = new BoundedLineReader(endless, 8192);

    Line first = reader.next();
    Line second = reader.next();

    assertThat(first.text()).hasSize(8192);
    assertThat(first.truncated()).isTrue();
    assertThat(second).isEqualTo(new Line("after", false));
    assertThat(reader.next()).isNull();
    assertThat(endless.served).isEqualTo(size + "\nafter\n".length());
  }

  /** {@code size} characters of 'x' without a newline, then {@code end}; never held in memory. */
  private static final class CountingReader extends Reader {
    private final long size;
    private final String end;
    long served;

    CountingReader(long size, String end) {
      this.size = size;
      this.end = end;
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
      long total = size + end.length();
      if (served >= total) {
        return -1;
      }
      int n = (int) Math.min(length, total - served);
      int xs = (int) Math.max(0, Math.min(n, size - served));
      Arrays.fill(buffer, offset, offset + xs, 'x');
      for (int i = xs; i < n; i++) {
        buffer[offset + i] = end.charAt((int) (served + i - size));
      }
      served += n;
      return n;
    }

    @Override
    public void close() {}
  }
}
