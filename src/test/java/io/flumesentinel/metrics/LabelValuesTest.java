package io.flumesentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Label values from untrusted data: few, short, and printable. */
class LabelValuesTest {

  @Test
  void theFirstValuesKeepTheirLabelAndTheRestAreOther() {
    LabelValues labels = new LabelValues(2);
    assertThat(labels.of("ingest")).isEqualTo("ingest");
    assertThat(labels.of("web")).isEqualTo("web");
    assertThat(labels.of("db")).isEqualTo(LabelValues.OTHER);
    assertThat(labels.of("ingest")).isEqualTo("ingest");
    assertThat(labels.taken()).containsExactlyInAnyOrder("ingest", "web");
  }

  @Test
  void longValuesAreCutAndControlCharactersReplaced() {
    LabelValues labels = new LabelValues(10);
    String cut = labels.of("g".repeat(500));
    assertThat(cut).hasSize(LabelValues.MAX_CHARS).endsWith("…");
    assertThat(labels.of("a\nb\u0000c")).isEqualTo("a?b?c");
    assertThat(labels.of("x".repeat(LabelValues.MAX_CHARS))).hasSize(LabelValues.MAX_CHARS);
    assertThat(labels.of("groupe-été")).isEqualTo("groupe-été");
  }
}
