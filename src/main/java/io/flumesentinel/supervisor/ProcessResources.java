package io.flumesentinel.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads what Linux knows of a process from {@code /proc/<pid>}: its resident memory ({@code
 * status}: {@code VmRSS}), its user ({@code status}: {@code Uid}), its open file descriptors (the
 * entries of {@code fd}) and their limit ({@code limits}: {@code Max open files}), its state and
 * CPU time ({@code stat}). No process is started and nothing is attached to: it works for any
 * program, the same for a JVM that does not publish its counters.
 *
 * <p>Bounded: each file is read up to {@link #MAX_FILE_BYTES}, and at most {@link #MAX_FDS}
 * descriptors are counted. Reading {@code fd} of another user's process needs root (or that user).
 * Blocking (small reads of a virtual file system): call it off event loops.
 */
public final class ProcessResources {

  /** The most bytes read of one file under {@code /proc/<pid>}. */
  static final int MAX_FILE_BYTES = 64 * 1024;

  /** Descriptors counted at most (a limit far above any sane Flume's). */
  static final int MAX_FDS = 1_048_576;

  /**
   * One reading.
   *
   * @param rssBytes resident memory ({@code VmRSS}); -1 when not shown (a zombie)
   * @param openFds open file descriptors; -1 when they cannot be counted
   * @param maxOpenFds the soft limit of open files; -1 when unlimited or unknown
   * @param uid the real user id
   * @param effectiveUid the effective user id
   * @param state the state letter of {@code stat} ({@code R}, {@code S}, {@code Z}...)
   * @param cpuTicks user and system CPU time, in clock ticks ({@code utime + stime})
   */
  public record Sample(
      long pid,
      long rssBytes,
      int openFds,
      long maxOpenFds,
      int uid,
      int effectiveUid,
      char state,
      long cpuTicks) {}

  private final Path proc;

  /** Reads the real {@code /proc}. */
  public ProcessResources() {
    this(Path.of("/proc"));
  }

  ProcessResources(Path proc) {
    this.proc = proc;
  }

  /** Whether this system has a {@code /proc} to read. */
  public boolean available() {
    return Files.isReadable(proc.resolve("self").resolve("status"));
  }

  /**
   * Reads process {@code pid}.
   *
   * @throws IOException when the process is gone or its files cannot be read
   */
  public Sample read(long pid) throws IOException {
    Path dir = proc.resolve(Long.toString(pid));
    String status = read(dir.resolve("status"));
    String stat = read(dir.resolve("stat"));
    long rssKb = statusNumber(status, "VmRSS:", 0);
    int[] uids = {(int) statusNumber(status, "Uid:", 0), (int) statusNumber(status, "Uid:", 1)};
    String[] afterComm = afterComm(stat);
    char state = afterComm.length > 0 && !afterComm[0].isEmpty() ? afterComm[0].charAt(0) : '?';
    long cpu = field(afterComm, 14) + field(afterComm, 15);
    return new Sample(
        pid,
        rssKb < 0 ? -1 : rssKb * 1024,
        countFds(dir.resolve("fd")),
        maxOpenFiles(readOrEmpty(dir.resolve("limits"))),
        uids[0],
        uids[1],
        state,
        Math.max(0, cpu));
  }

  /** The effective user id of this JVM, or -1 when {@code /proc} cannot tell. */
  public static int effectiveUid() {
    try {
      String status = read(Path.of("/proc/self/status"));
      return (int) statusNumber(status, "Uid:", 1);
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * The {@code index}-th number (0-based) on the line of {@code status} starting with {@code key};
   * -1 when there is no such line or number.
   */
  static long statusNumber(String status, String key, int index) {
    for (String line : status.split("\n")) {
      if (line.startsWith(key)) {
        String[] parts = line.substring(key.length()).trim().split("\\s+");
        if (index < parts.length) {
          try {
            return Long.parseLong(parts[index]);
          } catch (NumberFormatException e) {
            return -1;
          }
        }
      }
    }
    return -1;
  }

  /**
   * The fields of {@code stat} after the command name, which is in parentheses and may itself
   * contain spaces and parentheses: the state is element 0, {@code utime} (field 14 of proc(5))
   * element 11.
   */
  static String[] afterComm(String stat) {
    int close = stat.lastIndexOf(')');
    return close < 0 ? new String[0] : stat.substring(close + 1).trim().split("\\s+");
  }

  /** Field {@code number} of proc(5)'s {@code stat} (1-based, as the manual counts), or -1. */
  static long field(String[] afterComm, int number) {
    int index = number - 3;
    if (index < 0 || index >= afterComm.length) {
      return -1;
    }
    try {
      return Long.parseLong(afterComm[index]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The soft limit of {@code Max open files} in {@code limits}; -1 when unlimited or unknown. */
  static long maxOpenFiles(String limits) {
    for (String line : limits.split("\n")) {
      if (line.startsWith("Max open files")) {
        String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
        try {
          return Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
          return -1; // "unlimited"
        }
      }
    }
    return -1;
  }

  private static int countFds(Path fd) {
    int count = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(fd)) {
      for (Path ignored : entries) {
        if (++count >= MAX_FDS) {
          break;
        }
      }
      return count;
    } catch (IOException | SecurityException e) {
      return -1;
    }
  }

  private static String readOrEmpty(Path file) {
    try {
      return read(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_FILE_BYTES), StandardCharsets.UTF_8);
    }
  }
}
