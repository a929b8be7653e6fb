package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.Health;
import io.flumesentinel.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pure decisions of the restart policies, table-driven with an injected clock: RSS over a limit
 * for N consecutive readings, N consecutive failed probes after the start grace, a STUCK or HUNG
 * verdict within the health-restart limit.
 */
class RestartDecisionsTest {

  private static final long MB = 1024 * 1024;

  private record RssCase(
      String name, long limitMb, int checks, long[] readingsMb, String[] expected) {}

  @Test
  void rssOverTheLimitForNConsecutiveReadingsIsARestart() {
    List<RssCase> cases =
        List.of(
            new RssCase(
                "three over in a row",
                512,
                3,
                new long[] {600, 610, 612},
                new String[] {null, null, "RSS 612 MB over 512 MB for 3 checks"}),
            new RssCase(
                "a reading under the limit starts the count again",
                512,
                3,
                new long[] {600, 600, 500, 600, 600, 612},
                new String[] {null, null, null, null, null, "RSS 612 MB over 512 MB for 3 checks"}),
            new RssCase(
                "exactly at the limit is not over",
                512,
                1,
                new long[] {512, 513},
                new String[] {null, "RSS 513 MB over 512 MB for 1 check"}),
            new RssCase(
                "an unknown reading neither counts nor resets",
                100,
                2,
                new long[] {200, -1, 200},
                new String[] {null, null, "RSS 200 MB over 100 MB for 2 checks"}),
            new RssCase("no limit: never", 0, 1, new long[] {9999}, new String[] {null}));
    for (RssCase c : cases) {
      ResourcePolicy policy =
          new ResourcePolicy(new ResourcePolicy.Settings(c.limitMb * MB, c.checks));
      List<String> got = new ArrayList<>();
      for (long mb : c.readingsMb) {
        got.add(policy.observe(mb < 0 ? -1 : mb * MB));
      }
      assertThat(got).as(c.name).containsExactly(c.expected);
    }
  }

  private record ProbeCase(
      String name, long graceMs, int failures, List<Object[]> steps, List<String> expected) {}

  @Test
  void consecutiveFailedProbesAfterTheGraceAreARestart() {
    // each step: {milliseconds since the start, the probe's failure or null}
    List<ProbeCase> cases =
        List.of(
            new ProbeCase(
                "failures within the grace do not count",
                1000,
                2,
                List.of(
                    new Object[] {100, "HTTP 503"},
                    new Object[] {900, "HTTP 503"},
                    new Object[] {1000, "HTTP 503"},
                    new Object[] {1100, "HTTP 503"}),
                java.util.Arrays.asList(
                    null, null, null, "probe http://127.0.0.1:1/ failed 2 times: HTTP 503")),
            new ProbeCase(
                "a passed probe starts the count again",
                0,
                2,
                List.of(
                    new Object[] {0, "exit code 1"},
                    new Object[] {10, null},
                    new Object[] {20, "exit code 1"},
                    new Object[] {30, "exit code 1"}),
                java.util.Arrays.asList(
                    null, null, null, "probe http://127.0.0.1:1/ failed 2 times: exit code 1")),
            new ProbeCase(
                "one failure is enough when so configured",
                0,
                1,
                List.<Object[]>of(new Object[] {0, "no answer within 100 ms"}),
                List.of("probe http://127.0.0.1:1/ failed 1 time: no answer within 100 ms")));
    for (ProbeCase c : cases) {
      MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
      Instant start = clock.instant();
      Probe.Settings settings =
          new Probe.Settings(
              URI.create("http://127.0.0.1:1/"),
              null,
              Duration.ofMillis(10),
              Duration.ofMillis(100),
              c.failures,
              Duration.ofMillis(c.graceMs));
      ProbePolicy policy = new ProbePolicy(settings, clock);
      List<String> got = new ArrayList<>();
      for (Object[] step : c.steps) {
        clock.advance(Duration.between(clock.instant(), start.plusMillis((Integer) step[0])));
        got.add(policy.observe((String) step[1]));
      }
      assertThat(got).as(c.name).containsExactlyElementsOf(c.expected);
    }
  }

  @Test
  void aStuckVerdictRestartsWithinItsOwnLimit() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    HealthRestartPolicy policy =
        new HealthRestartPolicy(
            new HealthRestartPolicy.Settings(
                Set.of(Health.Status.STUCK), 1, Duration.ofMinutes(10)),
            clock);
    Health stuck =
        new Health(
            Health.Status.STUCK, "channel c1 is 100% full for 1000 ms", clock.instant(), Map.of());
    Health hung = new Health(Health.Status.HUNG, "no answer", clock.instant(), Map.of());
    // {minutes later, verdict, expected decision}
    Object[][] table = {
      {0, Health.ok(clock.instant()), new HealthRestartPolicy.Keep()},
      {0, hung, new HealthRestartPolicy.Keep()},
      {0, stuck, new HealthRestartPolicy.Restart("STUCK: channel c1 is 100% full for 1000 ms")},
      {
        5,
        stuck,
        new HealthRestartPolicy.Limited(
            "not restarted: 1 restart(s) for STUCK within 600000 ms already (limit 1)")
      },
      {5, stuck, new HealthRestartPolicy.Restart("STUCK: channel c1 is 100% full for 1000 ms")},
    };
    for (Object[] row : table) {
      clock.advance(Duration.ofMinutes((Integer) row[0]));
      assertThat(policy.changed((Health) row[1])).as("at %s", clock.instant()).isEqualTo(row[2]);
    }
  }

  @Test
  void healthRestartsOffNeverRestart() {
    HealthRestartPolicy policy =
        new HealthRestartPolicy(
            HealthRestartPolicy.Settings.off(),
            new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
    assertThat(policy.changed(new Health(Health.Status.HUNG, "x", null, Map.of())))
        .isEqualTo(new HealthRestartPolicy.Keep());
  }
}
