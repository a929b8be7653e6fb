package io.flumesentinel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-30T12:00:00Z",
        "1970-01-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        "2024-02-29T23:59:59.5Z",
        "2026-11-30T12:00:00.123Z",
        "2026-11-30T12:00:00.000123Z",
        "1969-12-31T23:59:59.9Z",
        // the general parser's cases: a leap second, an offset, a long year
        "2016-12-31T23:59:60Z",
        "2026-11-30T12:00:00+02:00",
        "+12026-11-30T12:00:00Z",
        "2026-11-30T12:00:00.Z",
        "2026-11-30T24:00:00Z",
        "2026-11-30T12:00:00z"
      })
  void readsWhatInstantParseReads(String text) {
    assertThat(IsoInstant.parse(text)).isEqualTo(Instant.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "2026-11-30",
        "2026-11-30T12:00:00",
        "2026-11-30T12:00:00.1234567890Z",
        "2026-13-30T12:00:00Z",
        "2026-02-30T12:00:00Z",
        "2023-02-29T12:00:00Z",
        "2026-11-30T12:60:00Z",
        "2026-11-30 12:00:00Z",
        "2026-1a-30T12:00:00Z",
        "２026-11-30T12:00:00Z",
        "2026-11-30T12:00:00,5Z"
      })
  void refusesWhatInstantParseRefuses(String text) {
    assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> IsoInstant.parse(text)).isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void agreesWithInstantParseOnRandomInstantsAsThisProductWritesThem() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(-62_000_000_000L, 253_000_000_000L),
              switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
              });
      String text = instant.toString();
      assertThat(IsoInstant.parse(text)).as(text).isEqualTo(instant);
    }
  }
}
