package io.flumesentinel.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the supervised command: started directly (no shell), its stdout and stderr logged line
 * by line under the agent id, the end of stderr kept for the crash report. Each line is at most
 * {@link #MAX_LINE_CHARS} characters (the rest of a longer one is dropped, and the cut marked), and
 * values that look like secrets are hidden in it ({@link SecretRedaction}): Flume's launcher
 * script, for one, prints the whole java command line.
 *
 * <p><b>No orphans.</b> Java cannot set Linux's {@code PR_SET_PDEATHSIG} without JNI, so when
 * {@code /usr/bin/setpriv} (util-linux) exists the command is started as {@code setpriv --pdeathsig
 * KILL -- COMMAND...}: setpriv sets the parent-death signal and then <em>execs</em> the command, so
 * the supervised process keeps the pid we started and still dies with the supervisor, even when the
 * supervisor is SIGKILLed. Caveat of the kernel feature: the signal fires when the <em>thread</em>
 * that started the process ends, so processes must be started from a thread that lives as long as
 * the supervisor (the supervisor's own executor thread). Without setpriv the command is started
 * plainly and a warning says that a SIGKILLed supervisor leaves it running.
 *
 * <p><b>Only the supervisor hears the terminal.</b> Ctrl-C in a terminal sends SIGINT to the whole
 * foreground process group: the agent would die at the same moment as the supervisor begins its
 * deliberate stop, and its death could be recorded as a crash. So the command runs in a session of
 * its own, started through {@code /usr/bin/setsid} (util-linux), which also execs without forking
 * (the process Java starts is never a group leader): the pid stays the one we started. The
 * supervisor alone decides when its agent gets a signal.
 */
final class ChildProcess {

  private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);

  /** Child output goes here, so operators can route it apart from the supervisor's own messages. */
  private static final Logger output =
      LoggerFactory.getLogger("io.flumesentinel.supervisor.output");

  static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final int TAIL_LINES = 50;
  private static final int TAIL_CHARS = 4096;

  /**
   * The longest line of output logged: an agent printing without a newline (a runaway stack trace,
   * binary data) must not hold the supervisor's memory. The rest of such a line is dropped.
   */
  static final int MAX_LINE_CHARS = 8192;

  static final String NOT_SHOWN = "[line not shown: it could not be checked for secrets]";

  static final String TRUNCATED =
      " [truncated: line longer than " + MAX_LINE_CHARS + " characters]";

  private final String agentId;
  private final Process process;
  private final OutputTail stderrTail = new OutputTail(TAIL_LINES, TAIL_CHARS);
  private final ComponentLog componentLog = new ComponentLog();
  private final Thread stdoutPump;
  private final Thread stderrPump;

  /** Completed by this run's own waiting thread, once the process ended and its output was read. */
  private final CompletableFuture<ChildExit> exited = new CompletableFuture<>();

  /** Copies of stdout and stderr in size-rotated files; {@code null}: none. */
  private final RotatingOutput stdoutFile;

  private final RotatingOutput stderrFile;

  private ChildProcess(String agentId, Process process) {
    this(agentId, process, null, null);
  }

  private ChildProcess(
      String agentId, Process process, RotatingOutput stdoutFile, RotatingOutput stderrFile) {
    this.agentId = agentId;
    this.process = process;
    this.stdoutFile = stdoutFile;
    this.stderrFile = stderrFile;
    stdoutPump = pump(process.getInputStream(), "stdout", null);
    stderrPump = pump(process.getErrorStream(), "stderr", stderrTail);
    Thread waiter = new Thread(this::awaitExit, "flume-sentinel-exit-" + agentId);
    waiter.setDaemon(true);
    waiter.start();
  }

  /**
   * Waits for the process on a thread of its own: {@link Process#onExit()} hands the exit to the
   * common fork-join pool before anyone sees it, one more thread to wake between the JDK's reaper
   * and the crash record (about 0.7 ms at the median on a 2-core machine); {@link
   * Process#waitFor()} is woken by the reaper itself.
   */
  private void awaitExit() {
    int exitValue;
    while (true) {
      try {
        exitValue = process.waitFor();
        break;
      } catch (InterruptedException e) {
        // Nobody interrupts this thread of ours, and the exit is still to be reported: wait on.
      }
    }
    joinQuietly(stderrPump);
    joinQuietly(stdoutPump);
    exited.complete(new ChildExit(exitValue));
  }

  /**
   * Starts {@code command} as {@link #start(String, List, boolean)} does, with what the
   * supervisor's {@link SupervisorPolicies policies} add: another user, more environment, copies of
   * the output in size-rotated files ({@code AGENT.stdout.log}, {@code AGENT.stderr.log}).
   */
  static ChildProcess start(
      String agentId, List<String> command, boolean useSetpriv, SupervisorPolicies policies)
      throws IOException {
    List<String> launch = new ArrayList<>(launchCommand(command, useSetpriv));
    if (policies.user() != null) {
      int at = launch.indexOf(SETPRIV.toString()) + 1;
      if (at == 0) {
        throw new IOException("running as " + policies.user().user() + " needs " + SETPRIV);
      }
      launch.addAll(at, policies.user().setprivArguments());
    }
    ProcessBuilder builder = new ProcessBuilder(launch);
    builder.environment().putAll(policies.environment());
    RotatingOutput out = null;
    RotatingOutput err = null;
    if (policies.output() != null) {
      out = new RotatingOutput(policies.output(), agentId + ".stdout.log");
      err = new RotatingOutput(policies.output(), agentId + ".stderr.log");
    }
    try {
      return new ChildProcess(agentId, builder.start(), out, err);
    } catch (IOException e) {
      closeQuietly(out);
      closeQuietly(err);
      throw e;
    }
  }

  /** The command line actually executed: {@code command} behind setpriv when available. */
  static List<String> launchCommand(List<String> command, boolean useSetpriv) {
    List<String> wrapped = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      wrapped.add(SETSID.toString());
    }
    if (useSetpriv) {
      wrapped.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
    }
    wrapped.addAll(command);
    return wrapped;
  }

  static boolean setprivAvailable() {
    return Files.isExecutable(SETPRIV);
  }

  /**
   * Starts {@code command}; call from a thread that outlives the process (see the class comment).
   */
  static ChildProcess start(String agentId, List<String> command, boolean useSetpriv)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(launchCommand(command, useSetpriv));
    // stdin stays a pipe nobody writes to: the supervisor's own stdin is not the agent's business.
    return new ChildProcess(agentId, builder.start());
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Completes with the exit once the process ended and its output was read (bounded wait). */
  CompletableFuture<ChildExit> onExit() {
    return exited;
  }

  String stderrTail() {
    return stderrTail.text();
  }

  /**
   * The last ERROR and WARN lines of this run's output (stdout and stderr) that concern {@code
   * component} (see {@link ComponentLog}), secrets hidden.
   */
  List<String> componentLines(
      String component, java.util.Map<String, FlumeMetrics.Type> components) {
    return componentLog.linesOf(
        component, components, io.flumesentinel.protocol.FlowVerdict.MAX_LINES);
  }

  /**
   * SIGTERM, through the handle so our ends of the pipes stay open and the last lines are logged.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  /** SIGKILL. */
  void kill() {
    process.toHandle().destroyForcibly();
  }

  int exitValue() {
    return process.exitValue();
  }

  boolean waitFor(long millis) throws InterruptedException {
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  private Thread pump(InputStream stream, String name, OutputTail tail) {
    RotatingOutput file = "stdout".equals(name) ? stdoutFile : stderrFile;
    Thread thread =
        new Thread(
            () -> {
              try (Reader in = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                BoundedLineReader lines = new BoundedLineReader(in, MAX_LINE_CHARS);
                BoundedLineReader.Line line;
                boolean fileFailed = false;
                while ((line = lines.next()) != null) {
                  String shown = shown(line);
                  output.info("{} {}: {}", agentId, name, shown);
                  if (tail != null) {
                    tail.add(shown);
                  }
                  fileFailed = copy(file, shown, fileFailed);
                  componentLog.add(shown);
                }
              } catch (IOException e) {
                log.debug("{} {} closed: {}", agentId, name, e.toString());
              } finally {
                closeQuietly(file);
              }
            },
            "agent-" + agentId + "-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Copies a line into its rotated file; the first failure is logged, and later lines are not
   * tried: the file is a copy, the agent must not wait on it. Returns whether it failed.
   */
  private boolean copy(RotatingOutput file, String line, boolean failed) {
    if (file == null || failed) {
      return failed;
    }
    try {
      file.line(line);
      return false;
    } catch (IOException e) {
      log.warn("{}: cannot write {}: {}; output goes to the log only", agentId, file.file(), e);
      return true;
    }
  }

  private static void closeQuietly(RotatingOutput file) {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        // nothing more to write to it
      }
    }
  }

  /**
   * A line of output as it is logged and kept: secrets hidden, a cut marked. A line that cannot be
   * checked is not shown, and the pump goes on: a pump that stopped would leave the agent blocked
   * on a full pipe.
   */
  static String shown(BoundedLineReader.Line line) {
    String text;
    try {
      text = SecretRedaction.text(line.text());
    } catch (RuntimeException | StackOverflowError e) {
      return NOT_SHOWN;
    }
    return line.truncated() ? text + TRUNCATED : text;
  }

  /**
   * A grandchild that inherited the pipes can keep them open after the process ended: wait briefly,
   * the crash report must not be late.
   */
  private static void joinQuietly(Thread thread) {
    try {
      thread.join(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
