package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.ExitRecord;
import java.time.Instant;
import java.util.Map;

/**
 * How a child process ended, decoded from {@link Process#exitValue()}.
 *
 * <p>On Linux Java reports a process killed by signal {@code n} as {@code 128 + n}, so an exit
 * value of 129–159 is read as a signal ({@code 137} is {@code KILL}, {@code 143} is {@code TERM}).
 * A program that calls {@code exit(137)} itself looks the same: the Process API cannot tell them
 * apart.
 */
public record ChildExit(int exitValue) {

  private static final Map<Integer, String> SIGNALS =
      Map.ofEntries(
          Map.entry(1, "HUP"),
          Map.entry(2, "INT"),
          Map.entry(3, "QUIT"),
          Map.entry(4, "ILL"),
          Map.entry(5, "TRAP"),
          Map.entry(6, "ABRT"),
          Map.entry(7, "BUS"),
          Map.entry(8, "FPE"),
          Map.entry(9, "KILL"),
          Map.entry(10, "USR1"),
          Map.entry(11, "SEGV"),
          Map.entry(12, "USR2"),
          Map.entry(13, "PIPE"),
          Map.entry(14, "ALRM"),
          Map.entry(15, "TERM"),
          Map.entry(16, "STKFLT"),
          Map.entry(17, "CHLD"),
          Map.entry(18, "CONT"),
          Map.entry(19, "STOP"),
          Map.entry(20, "TSTP"),
          Map.entry(21, "TTIN"),
          Map.entry(22, "TTOU"),
          Map.entry(23, "URG"),
          Map.entry(24, "XCPU"),
          Map.entry(25, "XFSZ"),
          Map.entry(26, "VTALRM"),
          Map.entry(27, "PROF"),
          Map.entry(28, "WINCH"),
          Map.entry(29, "IO"),
          Map.entry(30, "PWR"),
          Map.entry(31, "SYS"));

  /** The signal name without "SIG" (e.g. {@code KILL}), or {@code null} when the process exited. */
  public String signal() {
    return SIGNALS.get(exitValue - 128);
  }

  /** The exit code, or {@code null} when a signal ended the process. */
  public Integer code() {
    return signal() == null ? exitValue : null;
  }

  /** Whether the process ended on its own with status 0. */
  public boolean clean() {
    return exitValue == 0;
  }

  public ExitRecord toRecord(Instant at, String stderrTail) {
    return new ExitRecord(code(), signal(), at, stderrTail);
  }

  /** For logs: {@code code 3} or {@code signal KILL}. */
  public String describe() {
    String signal = signal();
    return signal == null ? "code " + exitValue : "signal " + signal;
  }
}
