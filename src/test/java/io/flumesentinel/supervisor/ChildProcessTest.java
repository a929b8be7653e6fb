package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One run of a real command: how its end is reported to the supervisor. */
class ChildProcessTest {

  private static final long WITHIN_SECONDS = 10;

  @Test
  void theExitComesWithTheOutputWrittenBeforeIt() throws Exception {
    ChildProcess run =
        ChildProcess.start("exits", List.of("sh", "-c", "echo 'last words' >&2; exit 3"), false);

    ChildExit exit = run.onExit().get(WITHIN_SECONDS, TimeUnit.SECONDS);

    assertThat(exit.exitValue()).isEqualTo(3);
    assertThat(run.stderrTail()).contains("last words");
  }

  @Test
  void aKilledRunIsReportedByItsOwnThreadNotByASharedPool() throws Exception {
    ChildProcess run = ChildProcess.start("killed", List.of("sleep", "600"), false);
    // Registered while the run lives, so it runs on the thread that completes the exit: a shared
    // pool's thread would be one more hand-off between the JDK's reaper and the crash record.
    CompletableFuture<String> reportedOn =
        run.onExit().thenApply(exit -> Thread.currentThread().getName());

    run.kill();

    assertThat(run.onExit().get(WITHIN_SECONDS, TimeUnit.SECONDS).signal()).isEqualTo("KILL");
    assertThat(reportedOn.get(WITHIN_SECONDS, TimeUnit.SECONDS))
        .isEqualTo("flume-sentinel-exit-killed");
  }
}
