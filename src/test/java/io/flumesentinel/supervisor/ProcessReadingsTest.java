package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProcessResources} and {@link JvmHealth} against the real {@code /proc} and the real
 * performance counters of child processes this test starts (compared with what the child itself
 * says or was given), and the agent started as another user.
 */
class ProcessReadingsTest {

  private static final long MB = 1024 * 1024;

  @TempDir Path dir;

  /** A JVM that holds {@code args[0]} MB of heap and then waits to be killed. */
  public static final class HoldsHeap {
    static byte[][] held;

    public static void main(String[] args) throws Exception {
      int mb = Integer.parseInt(args[0]);
      held = new byte[mb][];
      for (int i = 0; i < mb; i++) {
        held[i] = new byte[1024 * 1024];
      }
      System.out.println("holding " + mb + " MB");
      Thread.sleep(120_000);
    }
  }

  @Test
  void readsTheResidentMemoryFilesAndStateOfAChild() throws Exception {
    // a shell that opens 20 more descriptors and waits (bash: dash has no descriptors above 9)
    Process child =
        new ProcessBuilder(
                "bash",
                "-c",
                "for i in $(seq 10 29); do eval \"exec $i</dev/null\"; done; echo ready; exec sleep 60")
            .start();
    try {
      new String(child.getInputStream().readNBytes(6));
      Path comm = Path.of("/proc/" + child.pid() + "/comm");
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(comm).equals("sleep\n"));
      ProcessResources.Sample sample = new ProcessResources().read(child.pid());
      String status = Files.readString(Path.of("/proc/" + child.pid() + "/status"));
      long rssKb = ProcessResources.statusNumber(status, "VmRSS:", 0);
      assertThat(sample.pid()).isEqualTo(child.pid());
      assertThat(sample.rssBytes()).isPositive().isEqualTo(rssKb * 1024);
      assertThat(sample.openFds()).isGreaterThanOrEqualTo(23); // 0-2 and 10-29
      assertThat(sample.maxOpenFds())
          .isEqualTo(ProcessResources.maxOpenFiles(Files.readString(Path.of("/proc/self/limits"))));
      assertThat(sample.uid()).isEqualTo(ProcessResources.effectiveUid());
      assertThat(sample.state()).isIn('S', 'R');
      assertThat(sample.cpuTicks()).isNotNegative();
    } finally {
      child.destroyForcibly().waitFor();
    }
    assertThatThrownBy(() -> new ProcessResources().read(child.pid()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void readsStatFieldsPastACommandNameWithSpacesAndParentheses() {
    String stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 10 0 0 0 17 5 0 0 20 0 2 0 99 0 0";
    String[] fields = ProcessResources.afterComm(stat);
    assertThat(fields[0]).isEqualTo("S");
    assertThat(ProcessResources.field(fields, 14)).isEqualTo(17); // utime
    assertThat(ProcessResources.field(fields, 15)).isEqualTo(5); // stime
    assertThat(ProcessResources.field(fields, 99)).isEqualTo(-1);
    assertThat(
            ProcessResources.maxOpenFiles("Max open files            unlimited  unlimited  files"))
        .isEqualTo(-1);
  }

  @Test
  void readsHeapAndGcOfARealJvmWithEachCollector() throws Exception {
    for (String collector : List.of("-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseG1GC")) {
      List<String> command = new ArrayList<>(ChildJvm.command(64, HoldsHeap.class.getName(), "24"));
      command.add(1, collector);
      try (ChildJvm jvm = ChildJvm.start(command)) {
        jvm.await("holding 24 MB", Duration.ofSeconds(30));
        Optional<JvmHealth.Sample>[] read = new Optional[1];
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> (read[0] = new JvmHealth().read(jvm.process().pid())).isPresent());
        JvmHealth.Sample sample = read[0].orElseThrow();
        assertThat(sample.heapMaxBytes())
            .as(collector)
            .isBetween(60 * MB, 68 * MB); // -Xmx64m, as each collector sizes it
        assertThat(sample.heapUsedBytes()).as(collector).isBetween(24 * MB, 64 * MB);
        assertThat(sample.heapPercent()).isBetween(35.0, 100.0);
        assertThat(sample.gcTimeNanos()).isNotNegative();
      }
    }
  }

  @Test
  void aJvmWithoutPerfDataAndANonJvmGiveNothing() throws Exception {
    List<String> command = new ArrayList<>(ChildJvm.command(64, HoldsHeap.class.getName(), "1"));
    command.add(1, "-XX:-UsePerfData");
    try (ChildJvm jvm = ChildJvm.start(command)) {
      jvm.await("holding 1 MB", Duration.ofSeconds(30));
      assertThat(new JvmHealth().read(jvm.process().pid())).isEmpty();
    }
    Process sleep = new ProcessBuilder("sleep", "30").start();
    try {
      assertThat(new JvmHealth().read(sleep.pid())).isEmpty();
    } finally {
      sleep.destroyForcibly().waitFor();
    }
  }

  @Test
  void garbageIsNoCounterFile() {
    assertThatThrownBy(() -> JvmHealth.counters(new byte[64]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theAgentRunsAsAnotherUserWhenTheSupervisorIsRoot() throws Exception {
    int uid = ProcessResources.effectiveUid();
    if (uid != 0) {
      assertThatThrownBy(() -> RunAs.resolve("nobody", uid, Supervisor.setprivAvailable()))
          .hasMessageContaining("needs a supervisor started as root");
      return;
    }
    assertThatThrownBy(() -> RunAs.resolve("no-such-user-here", 0, true))
        .hasMessage("no such user: 'no-such-user-here'");
    assertThatThrownBy(() -> RunAs.resolve("nobody", 0, false))
        .hasMessageContaining("needs /usr/bin/setpriv");
    assertThatThrownBy(() -> RunAs.resolve("nobody", 1000, true))
        .hasMessageContaining("needs a supervisor started as root (this one runs as uid 1000)");

    RunAs nobody = RunAs.resolve("nobody", 0, Supervisor.setprivAvailable());
    SupervisorPolicies policies =
        new SupervisorPolicies(
            Duration.ZERO,
            ResourceJudge.Settings.defaults(),
            new ResourcePolicy.Settings(0, 1),
            HealthRestartPolicy.Settings.off(),
            null,
            nobody,
            java.util.Map.of("AGENT_GREETING", "hello from the env file"),
            new RotatingOutput.Settings(dir, 1024 * 1024, 2));
    ChildProcess child =
        ChildProcess.start(
            "u1",
            List.of("/bin/sh", "-c", "echo \"$AGENT_GREETING as $(id -un)\"; exec sleep 60"),
            Supervisor.setprivAvailable(),
            policies);
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Files.exists(dir.resolve("u1.stdout.log"))
                      && Files.readString(dir.resolve("u1.stdout.log")).contains("as nobody"));
      assertThat(Files.readString(dir.resolve("u1.stdout.log")))
          .isEqualTo("hello from the env file as nobody\n");
      ProcessResources.Sample sample = new ProcessResources().read(child.pid());
      assertThat(sample.uid()).isEqualTo((int) nobody.uid());
      assertThat(sample.effectiveUid()).isEqualTo((int) nobody.uid());
      String status = Files.readString(Path.of("/proc/" + child.pid() + "/status"));
      assertThat(ProcessResources.statusNumber(status, "Gid:", 0)).isEqualTo(nobody.gid());
    } finally {
      child.kill();
      child.waitFor(5000);
    }
  }
}
