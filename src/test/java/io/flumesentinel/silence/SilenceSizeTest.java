package io.flumesentinel.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A new silence is bounded in size as stored, so the monitor reads every silence in few bytes. */
class SilenceSizeTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aSilenceTooLargeToStoreIsRefusedSayingWhy() {
    List<Matcher> matchers = List.of(Matcher.parse("group=ingest"));
    assertThatThrownBy(
            () ->
                Silence.create(
                    matchers, NOW, NOW.plusSeconds(3600), "ops", "x".repeat(100 * 1024), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bytes as stored")
        .hasMessageContaining(Integer.toString(Silence.MAX_STORED_BYTES));

    Silence ordinary =
        Silence.create(matchers, NOW, NOW.plusSeconds(3600), "ops", "maintenance", NOW);
    assertThat(ordinary.toBytes().length).isLessThan(Silence.MAX_STORED_BYTES);
  }
}
