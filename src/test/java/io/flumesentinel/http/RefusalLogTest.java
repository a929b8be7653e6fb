package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefusalLogTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<String> lines = new ArrayList<>();
  private final RefusalLog log = new RefusalLog(clock, lines::add);

  @Test
  void oneLinePerIntervalCountingTheRefusalsBetween() {
    log.refused("401 (no token)", "10.0.0.1", "GET", "/api/alerts");
    for (int i = 0; i < 500; i++) {
      clock.advance(Duration.ofMillis(10));
      log.refused("401 (unknown token)", "10.0.0.2", "GET", "/status");
    }
    assertThat(lines).containsExactly("Refused 401 (no token): GET /api/alerts from 10.0.0.1");

    clock.advance(RefusalLog.INTERVAL);
    log.refused("429 (rate limit)", "10.0.0.3", "POST", "/api/silences");

    assertThat(lines)
        .containsExactly(
            "Refused 401 (no token): GET /api/alerts from 10.0.0.1",
            "Refused 429 (rate limit): POST /api/silences from 10.0.0.3 (and 500 more refused"
                + " since the previous line)");
  }

  @Test
  void aLongPathIsCut() {
    log.refused("401 (no token)", "10.0.0.1", "GET", "/" + "a".repeat(1000));

    assertThat(lines.get(0)).hasSizeLessThan(RefusalLog.MAX_PATH + 60).contains("a…");
  }
}
