package io.flumesentinel.appender.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the demo applications' logging calls took, and what of the longest ones the JVM itself
 * accounts for. Each call is timed with {@link System#nanoTime()}; the logging thread's CPU time is
 * read just outside the timed window, so a call's time off the CPU (waiting for a lock, for a
 * safepoint, or for the operating system to run the thread again) is its duration less its CPU
 * time; of that, the time it spent runnable but waiting for a CPU is read from Linux's {@code
 * /proc/thread-self/schedstat} (its run-queue wait), so what is left is time the thread waited on
 * purpose (a lock, a park). With {@code -Xlog:safepoint:file=F:timenanos} and {@code
 * -Ddemo.safepointLog=F} the JVM's safepoints (every GC pause among them) are read back from F at
 * the end, with the same clock as {@code nanoTime}, and each long call is told how much of it the
 * JVM held every thread stopped.
 *
 * <p>The calls are paced by parking until each one is due (not by spinning on a CPU, which no
 * application does and which, on a small machine, takes the CPU the appender's own threads need).
 * The first 100 calls load classes and are reported apart.
 */
final class CallTimes {

  /** A call at least this long is listed with its causes. */
  private static final long LONG_NANOS = 1_000_000;

  private static final int FIRST = 100;

  /** {@code [123456789ns] Safepoint "Name", Time since last: …, Total: 12345 ns}. */
  private static final Pattern SAFEPOINT =
      Pattern.compile("^\\[(\\d+)ns\\].*Safepoint \"([^\"]+)\".*Total: (\\d+) ns");

  /** The safepoints' names, indexed by the third figure of each pause. */
  private static final List<String> SAFEPOINT_NAMES = new ArrayList<>();

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final long[] took;
  private final long[] started;
  private final long[] onCpu;
  private final long[] waitingForCpu;
  private final RandomAccessFile schedstat;
  private final byte[] schedstatText = new byte[128];

  /** Read by a watchdog thread too; written by the logging thread only. */
  private volatile int count;

  private volatile long before;
  private volatile boolean inCall;
  private long cpuBefore;
  private long runQueueBefore;

  /** For calls made by the calling thread (its schedstat is opened here). */
  CallTimes(int capacity) {
    this.took = new long[capacity];
    this.started = new long[capacity];
    this.onCpu = new long[capacity];
    this.waitingForCpu = new long[capacity];
    RandomAccessFile file;
    try {
      file = new RandomAccessFile("/proc/thread-self/schedstat", "r");
    } catch (IOException e) {
      // not Linux, or no scheduler statistics: the run-queue wait is not reported
      file = null;
    }
    this.schedstat = file;
  }

  /** Parks the calling thread until {@code dueNanos} (of {@code nanoTime}), if it is not past. */
  static void paceTo(long dueNanos) {
    long wait;
    while ((wait = dueNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
  }

  /** Just before the logging call. */
  void begin() {
    runQueueBefore = runQueueNanos();
    cpuBefore = threads.getCurrentThreadCpuTime();
    before = System.nanoTime();
    inCall = true;
  }

  /** Just after it. */
  void end() {
    long after = System.nanoTime();
    inCall = false;
    long cpuAfter = threads.getCurrentThreadCpuTime();
    long runQueueAfter = runQueueNanos();
    took[count] = after - before;
    started[count] = before;
    onCpu[count] = cpuAfter - cpuBefore;
    waitingForCpu[count] = runQueueAfter - runQueueBefore;
    count++;
  }

  /** The thread's time runnable but not running so far, the second figure of its schedstat. */
  private long runQueueNanos() {
    if (schedstat == null) {
      return 0;
    }
    try {
      schedstat.seek(0);
      int length = schedstat.read(schedstatText);
      long value = 0;
      int field = 0;
      for (int i = 0; i < length; i++) {
        byte c = schedstatText[i];
        if (c == ' ') {
          if (++field > 1) {
            break;
          }
        } else if (field == 1 && c >= '0' && c <= '9') {
          value = value * 10 + (c - '0');
        }
      }
      return value;
    } catch (IOException e) {
      return 0;
    }
  }

  int count() {
    return count;
  }

  /** How long the call under way has been running, or 0 between calls; from any thread. */
  long currentCallNanos() {
    return inCall ? System.nanoTime() - before : 0;
  }

  /**
   * {@code p99CallMicros=… longestCallMicros=… longestOfFirst100Micros=…} and what explains the
   * long calls: {@code callsOver1ms=N longestCallOnCpuMicros=… longestCallInSafepointMicros=…
   * over1msMicros=… over1msInSafepointMicros=… over1msOnCpuMicros=…}.
   */
  String summary() {
    List<long[]> pauses = safepoints();
    int longest = -1;
    long firstLongest = 0;
    long overCount = 0;
    long overTotal = 0;
    long overInPause = 0;
    long overOnCpu = 0;
    long overWaitingForCpu = 0;
    for (int i = 0; i < count; i++) {
      if (i < FIRST) {
        firstLongest = Math.max(firstLongest, took[i]);
        continue;
      }
      if (longest < 0 || took[i] > took[longest]) {
        longest = i;
      }
      if (took[i] >= LONG_NANOS) {
        overCount++;
        overTotal += took[i];
        overInPause += inPauses(pauses, i);
        overOnCpu += onCpu[i];
        overWaitingForCpu += waitingForCpu[i];
      }
    }
    StringBuilder text = new StringBuilder();
    text.append("p99CallMicros=").append(percentile(0.99) / 1000);
    text.append(" longestCallMicros=").append(longest < 0 ? 0 : took[longest] / 1000);
    text.append(" longestOfFirst100Micros=").append(firstLongest / 1000);
    text.append(" callsOver1ms=").append(overCount);
    if (longest >= 0) {
      text.append(" longestCallOnCpuMicros=").append(onCpu[longest] / 1000);
      text.append(" longestCallWaitingForCpuMicros=").append(waitingForCpu[longest] / 1000);
      if (pauses != null) {
        text.append(" longestCallInSafepointMicros=").append(inPauses(pauses, longest) / 1000);
      }
    }
    text.append(" over1msMicros=").append(overTotal / 1000);
    text.append(" over1msOnCpuMicros=").append(overOnCpu / 1000);
    text.append(" over1msWaitingForCpuMicros=").append(overWaitingForCpu / 1000);
    if (pauses != null) {
      text.append(" over1msInSafepointMicros=").append(overInPause / 1000);
      text.append(" safepoints=").append(pauses.size());
    }
    return text.toString();
  }

  /**
   * One {@code LONGCALL} line for each of the {@code max} longest calls after the first 100: its
   * number, when it started (nanoTime), how long it took, on the CPU, waiting for a CPU, and inside
   * safepoints (which ones).
   */
  List<String> longest(int max) {
    List<long[]> pauses = safepoints();
    Integer[] order = new Integer[Math.max(0, count - FIRST)];
    for (int i = 0; i < order.length; i++) {
      order[i] = FIRST + i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(took[b], took[a]));
    List<String> lines = new ArrayList<>();
    for (int k = 0; k < Math.min(max, order.length); k++) {
      int i = order[k];
      lines.add(
          "LONGCALL call="
              + (i + 1)
              + " startNanos="
              + started[i]
              + " tookMicros="
              + took[i] / 1000
              + " onCpuMicros="
              + onCpu[i] / 1000
              + " waitingForCpuMicros="
              + waitingForCpu[i] / 1000
              + (pauses == null
                  ? ""
                  : " inSafepointMicros="
                      + inPauses(pauses, i) / 1000
                      + " safepoints="
                      + names(pauses, i)));
    }
    return lines;
  }

  /** The {@code fraction} percentile of the calls after the first 100, in nanoseconds. */
  long percentile(double fraction) {
    long[] sorted = Arrays.copyOfRange(took, Math.min(FIRST, count), count);
    Arrays.sort(sorted);
    return sorted.length == 0
        ? 0
        : sorted[(int) Math.min(sorted.length - 1, sorted.length * fraction)];
  }

  private long inPauses(List<long[]> pauses, int call) {
    if (pauses == null) {
      return 0;
    }
    long from = started[call];
    long to = from + took[call];
    long inside = 0;
    for (long[] pause : pauses) {
      long overlap = Math.min(to, pause[1]) - Math.max(from, pause[0]);
      if (overlap > 0) {
        inside += overlap;
      }
    }
    return inside;
  }

  private String names(List<long[]> pauses, int call) {
    List<String> names = new ArrayList<>();
    long from = started[call];
    long to = from + took[call];
    for (long[] pause : pauses) {
      if (Math.min(to, pause[1]) > Math.max(from, pause[0])) {
        names.add(SAFEPOINT_NAMES.get((int) pause[2]) + "(" + (pause[1] - pause[0]) / 1000 + "us)");
      }
    }
    return names.isEmpty() ? "none" : String.join(",", names);
  }

  /** The safepoints as {begin, end, name index} in nanoTime, or null without a log. */
  private static List<long[]> safepoints() {
    String file = System.getProperty("demo.safepointLog");
    if (file == null) {
      return null;
    }
    List<long[]> pauses = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
        Matcher m = SAFEPOINT.matcher(line);
        if (m.find()) {
          long end = Long.parseLong(m.group(1));
          long total = Long.parseLong(m.group(3));
          int name = SAFEPOINT_NAMES.indexOf(m.group(2));
          if (name < 0) {
            SAFEPOINT_NAMES.add(m.group(2));
            name = SAFEPOINT_NAMES.size() - 1;
          }
          pauses.add(new long[] {end - total, end, name});
        }
      }
    } catch (IOException e) {
      return null;
    }
    return pauses;
  }
}
