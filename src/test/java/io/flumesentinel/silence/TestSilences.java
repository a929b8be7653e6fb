package io.flumesentinel.silence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Silence indexes for tests that need silences without a ZooKeeper to keep them in. */
public final class TestSilences {

  private TestSilences() {}

  /** An index holding one silence, active for the next hour, of these matchers (amtool form). */
  public static SilenceIndex activeFor(Clock clock, String... matchers) {
    Instant now = clock.instant();
    List<Matcher> parsed = Arrays.stream(matchers).map(Matcher::parse).toList();
    Silence silence =
        Silence.create(parsed, now, now.plus(Duration.ofHours(1)), "test", "maintenance", now);
    SilenceIndex index = new SilenceIndex(clock);
    index.update(new Silences(List.of(silence)));
    return index;
  }
}
