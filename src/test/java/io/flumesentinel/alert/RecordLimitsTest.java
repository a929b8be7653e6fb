package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.UntrustedText;
import io.flumesentinel.testing.TestAlerts;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The bounds of a ledger record, table-driven: what is kept of alerts of every size. */
class RecordLimitsTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  static Stream<Arguments> alerts() {
    return Stream.of(
        Arguments.of("an ordinary alert", alert(Map.of("host", "h1"), Map.of("summary", "down"))),
        Arguments.of(
            "a 600 KB host", alert(Map.of("host", "h".repeat(600 * 1024)), Map.of("summary", "s"))),
        Arguments.of(
            "a 4 KB stderr tail",
            alert(Map.of("host", "h"), Map.of("stderrTail", "e".repeat(4096)))),
        Arguments.of(
            "a 100 KB annotation",
            alert(Map.of("host", "h"), Map.of("stderrTail", "e\n".repeat(50 * 1024)))),
        Arguments.of("many long labels", alert(many("label_", 200, 1000), Map.of("summary", "s"))),
        Arguments.of("many long annotations", alert(Map.of("host", "h"), many("note_", 200, 4000))),
        Arguments.of(
            "both, with quotes and non-Latin text",
            alert(many("label_", 100, 2000, "\"ü漢"), many("note_", 100, 5000, "\\é"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("alerts")
  void aRecordIsWithinItsBoundsKeepsItsIdentityAndFittingTwiceChangesNothing(
      String name, Alert alert) {
    Alert fitted = RecordLimits.fit(alert);

    assertThat(new LedgerRecord(fitted, Map.of("test", "firing"), Map.of()).toBytes().length)
        .isLessThanOrEqualTo(RecordLimits.MAX_RECORD_BYTES);
    assertThat(RecordLimits.jsonBytes(fitted.labels()))
        .isLessThanOrEqualTo(RecordLimits.MAX_LABELS_BYTES);
    assertThat(fitted.key()).isEqualTo(alert.key());
    assertThat(fitted.startsAt()).isEqualTo(alert.startsAt());
    assertThat(fitted.labels()).containsKeys("alertname", "agent", "host", "severity");
    assertThat(fitted.annotations()).containsKey("summary");
    assertThat(RecordLimits.fit(fitted)).isEqualTo(fitted);
    // what a restarted monitor reads back is the alert it sent
    assertThat(LedgerRecord.parse(new LedgerRecord(alert, Map.of(), Map.of()).toBytes()).alert())
        .isEqualTo(fitted);
    // the resolved notice keeps the labels, and so the fingerprint, of the firing one
    assertThat(RecordLimits.fit(fitted.resolve(START, Map.of("resolution", "RECOVERED"))).labels())
        .isEqualTo(fitted.labels());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("alerts")
  void anAlertWithinTheBoundsIsKeptAsItIsAndALongValueIsCutWithAMarker(String name, Alert alert) {
    Alert fitted = RecordLimits.fit(alert);
    boolean within =
        alert.labels().values().stream().allMatch(v -> v.length() <= RecordLimits.MAX_LABEL_CHARS)
            && alert.annotations().values().stream()
                .allMatch(v -> v.length() <= RecordLimits.MAX_ANNOTATION_CHARS)
            && RecordLimits.jsonBytes(alert.labels()) <= RecordLimits.MAX_LABELS_BYTES
            && RecordLimits.jsonBytes(alert.annotations())
                <= RecordLimits.MAX_ANNOTATIONS_BYTES / 2;
    if (within) {
      assertThat(fitted).isSameAs(alert);
    } else {
      assertThat(
              Stream.concat(
                  fitted.labels().values().stream(), fitted.annotations().values().stream()))
          .anyMatch(v -> v.endsWith(UntrustedText.CUT) || v.contains("left out"));
    }
  }

  private static Alert alert(Map<String, String> labels, Map<String, String> annotations) {
    Alert base = TestAlerts.firing("a1", START);
    TreeMap<String, String> allLabels = new TreeMap<>(base.labels());
    allLabels.put("host", "h");
    allLabels.putAll(labels);
    TreeMap<String, String> allAnnotations = new TreeMap<>(base.annotations());
    allAnnotations.put("summary", "down");
    allAnnotations.putAll(annotations);
    return new Alert(
        Alert.Status.FIRING, allLabels, allAnnotations, START, null, base.generatorUrl());
  }

  private static Map<String, String> many(String prefix, int count, int chars) {
    return many(prefix, count, chars, "x");
  }

  private static Map<String, String> many(String prefix, int count, int chars, String unit) {
    Map<String, String> values = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      values.put(prefix + i, unit.repeat(chars / unit.length()));
    }
    return values;
  }
}
