package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.ResourceHealth;
import io.flumesentinel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The memory and GC verdicts, from readings at times of an injected clock. */
class ResourceJudgeTest {

  private static final long MB = 1024 * 1024;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final ResourceJudge judge =
      new ResourceJudge(new ResourceJudge.Settings(90, 20, 90, 0, Duration.ofSeconds(30)), clock);

  private static ProcessResources.Sample process(long rssMb, int fds) {
    return new ProcessResources.Sample(42, rssMb * MB, fds, 1024, 0, 0, 'S', 100);
  }

  private static JvmHealth.Sample jvm(long usedMb, long gcMillis) {
    return new JvmHealth.Sample(usedMb * MB, 100 * MB, gcMillis * 1_000_000);
  }

  @Test
  void aHeapThatStaysFullIsHighOnceAndOkAtOnceWhenItIsNot() {
    assertThat(judge.observe(process(200, 50), jvm(95, 0))).isNull();
    clock.advance(Duration.ofSeconds(15));
    assertThat(judge.observe(process(200, 50), jvm(96, 0))).isNull();
    clock.advance(Duration.ofSeconds(15));
    ResourceHealth high = judge.observe(process(200, 50), jvm(97, 0));
    assertThat(high.memory().status()).isEqualTo(ResourceHealth.Status.HIGH);
    assertThat(high.memory().reason()).isEqualTo("heap 97% of 100 MB (threshold 90%) for 30000 ms");
    assertThat(high.memory().since()).isEqualTo(T0);
    assertThat(high.memory().details())
        .containsEntry("heapUsedBytes", Long.toString(97 * MB))
        .containsEntry("heapMaxBytes", Long.toString(100 * MB))
        .containsEntry("rssBytes", Long.toString(200 * MB))
        .containsEntry("openFds", "50")
        .containsEntry("maxOpenFds", "1024");
    assertThat(high.gc().status()).isEqualTo(ResourceHealth.Status.OK);
    clock.advance(Duration.ofSeconds(15));
    assertThat(judge.observe(process(200, 50), jvm(98, 0))).as("reported once").isNull();
    clock.advance(Duration.ofSeconds(15));
    ResourceHealth ok = judge.observe(process(200, 50), jvm(40, 0));
    assertThat(ok.memory().status()).isEqualTo(ResourceHealth.Status.OK);
  }

  @Test
  void aFullHeapJustBeforeACollectionIsNotHigh() {
    assertThat(judge.observe(process(200, 50), jvm(95, 0))).isNull();
    clock.advance(Duration.ofSeconds(15));
    assertThat(judge.observe(process(200, 50), jvm(30, 0))).isNull();
    clock.advance(Duration.ofSeconds(15));
    assertThat(judge.observe(process(200, 50), jvm(95, 0))).isNull();
    clock.advance(Duration.ofSeconds(15));
    assertThat(judge.observe(process(200, 50), jvm(95, 0))).isNull();
    assertThat(judge.status().memory().status()).isEqualTo(ResourceHealth.Status.OK);
  }

  @Test
  void fileDescriptorsNearTheLimitAreHighMemoryToo() {
    judge.observe(process(100, 950), null);
    clock.advance(Duration.ofSeconds(30));
    ResourceHealth high = judge.observe(process(100, 960), null);
    assertThat(high.memory().reason())
        .isEqualTo("open files 960 of 1024 (threshold 90%) for 30000 ms");
    assertThat(high.memory().details()).doesNotContainKey("heapUsedBytes");
  }

  @Test
  void gcTimeShareIsMeasuredBetweenReadings() {
    // {seconds later, cumulative GC milliseconds, expected gc status after the reading}
    Object[][] table = {
      {0, 0, ResourceHealth.Status.OK}, // the first reading has nothing to compare with
      {10, 3000, ResourceHealth.Status.OK}, // 30 % from here: over, not for long enough
      {10, 6000, ResourceHealth.Status.OK},
      {10, 9000, ResourceHealth.Status.OK},
      {10, 12000, ResourceHealth.Status.HIGH}, // over since 10 s, now 40 s: 30 s
      {10, 12500, ResourceHealth.Status.OK}, // 5 %
    };
    for (Object[] row : table) {
      clock.advance(Duration.ofSeconds((Integer) row[0]));
      judge.observe(process(100, 10), jvm(10, (Integer) row[1]));
      assertThat(judge.status().gc().status()).as("at %s", clock.instant()).isEqualTo(row[2]);
    }
  }

  @Test
  void theGcReasonSaysTheShare() {
    judge.observe(process(100, 10), jvm(10, 0));
    clock.advance(Duration.ofSeconds(30));
    ResourceJudge instant =
        new ResourceJudge(new ResourceJudge.Settings(90, 20, 90, 0, Duration.ZERO), clock);
    instant.observe(process(100, 10), jvm(10, 0));
    clock.advance(Duration.ofSeconds(10));
    ResourceHealth high = instant.observe(process(100, 10), jvm(10, 2500));
    assertThat(high.gc().reason())
        .isEqualTo("garbage collection takes 25% of the time (threshold 20%) for 0 ms");
    assertThat(high.gc().details())
        .containsEntry("gcPercent", "25")
        .containsEntry("gcThresholdPercent", "20");
  }

  @Test
  void anRssAlertThresholdCountsWhenSet() {
    ResourceJudge rss =
        new ResourceJudge(new ResourceJudge.Settings(90, 20, 90, 512 * MB, Duration.ZERO), clock);
    assertThat(rss.observe(process(511, 10), null)).isNull();
    assertThat(rss.observe(process(612, 10), null).memory().reason())
        .isEqualTo("RSS 612 MB over 512 MB for 0 ms");
  }
}
