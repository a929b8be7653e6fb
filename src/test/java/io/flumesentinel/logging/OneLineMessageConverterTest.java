package io.flumesentinel.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

/** Log lines as the console shows them, whatever the values logged hold. */
class OneLineMessageConverterTest {

  private static String line(String pattern, Object... arguments) {
    LoggerContext context = new LoggerContext();
    Logger logger = context.getLogger("test");
    LoggingEvent event = new LoggingEvent("test", logger, Level.INFO, pattern, null, arguments);
    return new OneLineMessageConverter().convert(event);
  }

  @Test
  void aValueWithLineBreaksStaysOnItsLine() {
    String line =
        line(
            "Alert {}: {} host={}",
            "firing",
            "FlumeAgentDown",
            "web-1\r\n2026-01-01 INFO Alert resolved\u001b[2J\u202e");

    assertThat(line)
        .isEqualTo(
            "Alert firing: FlumeAgentDown host=web-1\\r\\n2026-01-01 INFO Alert"
                + " resolved\\u001b[2J\\u202e")
        .doesNotContain("\n", "\r", "\u001b");
  }

  @Test
  void theProgramsOwnTextAndPlainValuesAreKept() {
    assertThat(line("banner\nsecond line")).isEqualTo("banner\nsecond line");
    assertThat(line("{} took {} ms\t(ok)", "host-a", 12)).isEqualTo("host-a took 12 ms\t(ok)");
  }
}
