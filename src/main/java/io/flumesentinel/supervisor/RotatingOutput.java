package io.flumesentinel.supervisor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * One stream of the agent's output written to a file that rotates by size, as logrotate's {@code
 * size} and {@code rotate} would: {@code NAME} is written until the next line would take it past
 * {@code maxBytes}; then {@code NAME.1} becomes {@code NAME.2} and so on, the oldest beyond {@code
 * files - 1} rotated copies is deleted, {@code NAME} becomes {@code NAME.1} and a new {@code NAME}
 * is begun. At most {@code files} files (and {@code files * maxBytes} bytes, give or take one line)
 * are kept. A line longer than {@code maxBytes} is written alone into a file of its own.
 *
 * <p>Thread-safe (one writer per stream, but {@link #close()} may come from another thread). A
 * failed write is reported once by the caller and never stops the agent: the file is an extra copy
 * of what the supervisor logs.
 */
public final class RotatingOutput implements AutoCloseable {

  /**
   * @param directory where the files are written (created when missing)
   * @param maxBytes the size at which a file is rotated
   * @param files how many files of one stream are kept, the current one included (at least 1)
   */
  public record Settings(Path directory, long maxBytes, int files) {
    public Settings {
      Objects.requireNonNull(directory, "directory");
      if (maxBytes < 1 || files < 1) {
        throw new IllegalArgumentException("maxBytes and files must be at least 1");
      }
    }
  }

  private final Settings settings;
  private final Path file;
  private OutputStream out;
  private long size;

  /** Appends to {@code directory/name} (continuing an existing file). */
  public RotatingOutput(Settings settings, String name) throws IOException {
    this.settings = settings;
    Files.createDirectories(settings.directory());
    this.file = settings.directory().resolve(name);
    open();
  }

  /** The file being written. */
  public Path file() {
    return file;
  }

  /** Writes one line (a newline is added). */
  public synchronized void line(String text) throws IOException {
    if (out == null) {
      return;
    }
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    if (size > 0 && size + bytes.length > settings.maxBytes()) {
      rotate();
    }
    out.write(bytes);
    out.flush();
    size += bytes.length;
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }

  private void rotate() throws IOException {
    out.close();
    out = null;
    int kept = settings.files() - 1;
    Files.deleteIfExists(numbered(kept));
    for (int n = kept - 1; n >= 1; n--) {
      if (Files.exists(numbered(n))) {
        Files.move(numbered(n), numbered(n + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (kept >= 1) {
      Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(file);
    }
    open();
  }

  private Path numbered(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  private void open() throws IOException {
    out =
        Files.newOutputStream(
            file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    size = Files.size(file);
  }
}
