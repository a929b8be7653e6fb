package io.flumesentinel.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndingTest {

  private static final Instant START = Instant.parse("2026-11-30T03:00:00Z");

  @ParameterizedTest
  @CsvSource({
    "0, 0 ms",
    "850, 850 ms",
    "5000, 5.0 s",
    "5049, 5.0 s",
    "59999, 60.0 s",
    "192000, 3 min 12 s",
    "7500000, 2 h 5 min",
    "273600000, 3 d 4 h",
    "-5, 0 ms"
  })
  void durationsReadAsAPersonSaysThem(long millis, String text) {
    assertThat(Ending.duration(Duration.ofMillis(millis))).isEqualTo(text);
  }

  private static Alert firing(String reason, String summary) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, "FlumeAgentDown");
    labels.put(Alert.AGENT, "s1");
    labels.put("host", "flume-07");
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", reason);
    annotations.put("summary", summary);
    return new Alert(Alert.Status.FIRING, labels, annotations, START, null, "");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "CRASHED | RECOVERED | 4242 | Flume agent s1 on flume-07 recovered after 5.0 s: running again with pid 4242",
        "CRASHED | RECOVERED |      | Flume agent s1 on flume-07 recovered after 5.0 s: running again",
        "SESSION_LOST | STOPPED |   | Flume agent s1 on flume-07 was deregistered after 5.0 s: a deliberate stop",
        "STUCK | RECOVERED |        | Flume agent s1 on flume-07 recovered after 5.0 s: healthy again",
        "HUNG | DOWN |              | Flume agent s1 on flume-07 stopped running after 5.0 s: FlumeAgentDown takes over",
      })
  void theResolvedSummarySaysHowAndAfterHowLong(
      String reason, String how, String pid, String summary) {
    Alert resolved =
        Ending.resolve(
            firing(reason, "Flume agent s1 on flume-07 crashed (signal KILL)"),
            how,
            START.plusSeconds(5),
            pid == null ? Map.of() : Map.of(Ending.RUNNING_PID, pid));
    assertThat(resolved.firing()).isFalse();
    assertThat(resolved.endsAt()).isEqualTo(START.plusSeconds(5));
    assertThat(resolved.annotations())
        .containsEntry("summary", summary)
        .containsEntry("resolution", how)
        .containsEntry("duration", "5.0 s")
        .containsEntry("reason", reason)
        .containsEntry(
            "description",
            "Was: Flume agent s1 on flume-07 crashed (signal KILL). Began "
                + START
                + ", ended "
                + START.plusSeconds(5)
                + ".");
  }
}
