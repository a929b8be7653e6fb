package io.flumesentinel.history;

import java.time.Duration;
import org.junit.jupiter.api.Tag;

/**
 * {@link NotificationHistoryTest} with the receiver down for 30 seconds, long enough for the
 * back-off to reach its cap many times over: {@code mvn -Pchaos verify
 * -Dit.test=NotificationHistoryChaosIT}.
 */
@Tag("chaos")
class NotificationHistoryChaosIT extends NotificationHistoryTest {

  @Override
  Duration outage() {
    return Duration.ofSeconds(30);
  }
}
