package io.flumesentinel.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Heap and garbage-collection figures of a running HotSpot JVM, read from the performance counters
 * it publishes itself: the memory-mapped file {@code /tmp/hsperfdata_<user>/<pid>} that {@code
 * jstat} reads. Nothing is attached to the JVM, no signal is sent to it and no tool is started, so
 * Flume needs no change, no JMX port, and cannot be harmed by a look (unlike the attach API, which
 * would kill a JVM started with {@code -Xrs} or not yet ready for it); it also works where the
 * supervisor runs on a JRE without {@code jcmd}. The file is found through {@code
 * /proc/<pid>/root}, so a process in its own mount namespace (systemd's {@code PrivateTmp}) is read
 * as it sees it.
 *
 * <p>A JVM started with {@code -XX:-UsePerfData} (or {@code -XX:+PerfDisableSharedMem}) publishes
 * nothing: {@link #read} then returns empty, and only {@link ProcessResources} figures are known.
 *
 * <p>Bounded: the file is read up to {@link #MAX_FILE_BYTES} (the JVM's default is 32 KB), at most
 * {@link #MAX_USER_DIRS} {@code hsperfdata_*} folders are looked into, and every offset is checked
 * against the bytes read. Blocking (one small file read): call it off event loops.
 */
public final class JvmHealth {

  static final int MAX_FILE_BYTES = 1024 * 1024;
  static final int MAX_USER_DIRS = 64;

  private static final int MAGIC = 0xcafec0c0;

  /**
   * One reading.
   *
   * @param heapUsedBytes the bytes used in all heap spaces
   * @param heapMaxBytes the most the heap may grow to ({@code -Xmx})
   * @param gcTimeNanos the time spent in collections since the JVM started
   */
  public record Sample(long heapUsedBytes, long heapMaxBytes, long gcTimeNanos) {

    /** The heap used, in percent of its maximum; -1 when the maximum is unknown. */
    public double heapPercent() {
      return heapMaxBytes <= 0 ? -1 : 100.0 * heapUsedBytes / heapMaxBytes;
    }
  }

  private final Path proc;

  public JvmHealth() {
    this(Path.of("/proc"));
  }

  JvmHealth(Path proc) {
    this.proc = proc;
  }

  /** The figures of JVM {@code pid}; empty when it publishes none (or is no HotSpot JVM). */
  public Optional<Sample> read(long pid) {
    Path file = counterFile(pid);
    if (file == null) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      return sample(counters(in.readNBytes(MAX_FILE_BYTES)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code <root>/tmp/hsperfdata_<user>/<pid>} as the process sees its file system, or null. */
  private Path counterFile(long pid) {
    Path tmp = proc.resolve(Long.toString(pid)).resolve("root").resolve("tmp");
    int looked = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "hsperfdata_*")) {
      for (Path dir : dirs) {
        Path file = dir.resolve(Long.toString(pid));
        if (Files.isRegularFile(file)) {
          return file;
        }
        if (++looked >= MAX_USER_DIRS) {
          break;
        }
      }
    } catch (IOException | SecurityException e) {
      return null;
    }
    return null;
  }

  /**
   * The heap and GC figures of a counter set; empty when it lacks them. The heap's maximum is the
   * sum of its generations' maxima, except for G1, whose young and old generations each report the
   * whole heap's maximum.
   */
  static Optional<Sample> sample(Map<String, Object> counters) {
    long frequency = number(counters, "sun.os.hrt.frequency");
    if (frequency <= 0 || !counters.containsKey("sun.gc.generation.0.maxCapacity")) {
      return Optional.empty();
    }
    long used = 0;
    long maxSum = 0;
    long maxLargest = 0;
    long gcTicks = 0;
    for (Map.Entry<String, Object> counter : counters.entrySet()) {
      String name = counter.getKey();
      if (!(counter.getValue() instanceof Long value)) {
        continue;
      }
      if (name.matches("sun\\.gc\\.generation\\.\\d+\\.space\\.\\d+\\.used")) {
        used += value;
      } else if (name.matches("sun\\.gc\\.generation\\.\\d+\\.maxCapacity")) {
        maxSum += value;
        maxLargest = Math.max(maxLargest, value);
      } else if (name.matches("sun\\.gc\\.collector\\.\\d+\\.time")) {
        gcTicks += value;
      }
    }
    boolean g1 = "GarbageFirst".equals(counters.get("sun.gc.policy.name"));
    long max = g1 ? maxLargest : maxSum;
    long gcNanos = (long) (gcTicks * (1_000_000_000.0 / frequency));
    return Optional.of(new Sample(used, max, gcNanos));
  }

  private static long number(Map<String, Object> counters, String name) {
    return counters.get(name) instanceof Long value ? value : -1;
  }

  /**
   * The counters of an hsperfdata file (format 2.0, as {@code sun.jvmstat.perfdata.monitor.v2_0}
   * reads it): a 32-byte prologue (magic {@code 0xcafec0c0}, byte order, version, entry offset,
   * entry count), then entries (length, name offset, vector length, type, flags, units,
   * variability, data offset). Longs ({@code J}) and strings (byte vectors, {@code B}) are kept.
   *
   * @throws IllegalArgumentException when the bytes are no such file
   */
  static Map<String, Object> counters(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    if (bytes.length < 32 || buffer.getInt(0) != MAGIC) {
      throw new IllegalArgumentException("not an hsperfdata file");
    }
    buffer.order(bytes[4] == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    if (bytes[5] != 2) {
      throw new IllegalArgumentException("hsperfdata version " + bytes[5] + " is not 2");
    }
    int offset = buffer.getInt(24);
    int entries = buffer.getInt(28);
    Map<String, Object> counters = new HashMap<>();
    for (int i = 0; i < entries && offset >= 0 && offset + 20 <= bytes.length; i++) {
      int length = buffer.getInt(offset);
      int nameOffset = buffer.getInt(offset + 4);
      int vectorLength = buffer.getInt(offset + 8);
      byte type = bytes[offset + 12];
      int dataOffset = buffer.getInt(offset + 16);
      if (length <= 0 || offset + length > bytes.length) {
        break;
      }
      String name = cString(bytes, offset + nameOffset, offset + length);
      int data = offset + dataOffset;
      if (name != null && data >= offset && data < offset + length) {
        if (type == 'J' && vectorLength == 0 && data + 8 <= offset + length) {
          counters.put(name, buffer.getLong(data));
        } else if (type == 'B' && vectorLength > 0) {
          String text = cString(bytes, data, Math.min(data + vectorLength, offset + length));
          if (text != null) {
            counters.put(name, text);
          }
        }
      }
      offset += length;
    }
    return counters;
  }

  /** The NUL-terminated string at {@code from}, read no further than {@code end}. */
  private static String cString(byte[] bytes, int from, int end) {
    if (from < 0 || from >= end) {
      return null;
    }
    int to = from;
    while (to < end && bytes[to] != 0) {
      to++;
    }
    return new String(bytes, from, to - from, StandardCharsets.UTF_8);
  }
}
