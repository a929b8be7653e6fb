package io.flumesentinel.cli;

import io.flumesentinel.protocol.UntrustedText;
import java.util.ArrayList;
import java.util.List;

/**
 * A table for a terminal, columns aligned, whose cells may hold values anyone with write access to
 * ZooKeeper has set: every control character is shown as a visible {@code \\uXXXX} escape, so a
 * value can neither move the cursor nor recolour the terminal, nor reorder the text around it.
 */
final class TextTable {

  private TextTable() {}

  /**
   * The lines of {@code rows} (the first is the header), each cell escaped, and cut to {@code
   * maxCellChars} when that is more than 0; trailing blanks removed.
   */
  static List<String> lines(List<String[]> rows, int maxCellChars) {
    List<String[]> shown = new ArrayList<>(rows.size());
    for (String[] row : rows) {
      String[] cells = new String[row.length];
      for (int i = 0; i < row.length; i++) {
        String cell = printable(row[i] == null ? "" : row[i]);
        cells[i] = maxCellChars > 0 ? UntrustedText.cut(cell, maxCellChars) : cell;
      }
      shown.add(cells);
    }
    int[] widths = new int[shown.get(0).length];
    for (String[] row : shown) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>(shown.size());
    for (String[] row : shown) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  /** {@code text} with each control character written as {@code \\uXXXX}. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (UntrustedText.isControl(c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
