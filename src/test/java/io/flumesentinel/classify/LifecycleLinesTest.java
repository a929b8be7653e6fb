package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.classify.LifecycleLines.Held;
import io.flumesentinel.classify.LifecycleLines.One;
import io.flumesentinel.event.LifecycleEvent;
import io.flumesentinel.event.LifecycleEvent.Type;
import io.flumesentinel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which lifecycle events get a line, and how a storm is summarised, with an injected clock. */
class LifecycleLinesTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final LifecycleLines lines = new LifecycleLines(clock, 3, Duration.ofSeconds(1));

  private LifecycleEvent event(Type type, String agent) {
    return new LifecycleEvent(type, agent, clock.instant(), "");
  }

  @Test
  void eachOfTheFourLifecycleEventsHasItsLineAndAlertedOnesHaveNone() {
    for (Type type : Type.values()) {
      clock.advance(Duration.ofSeconds(2));
      List<LifecycleLines.Said> said = lines.accept(event(type, "a1"));

      if (LifecycleLines.LOGGED.contains(type)) {
        assertThat(said).as("%s", type).containsExactly(new One(event(type, "a1")));
      } else {
        assertThat(said).as("%s (its alert has a line)", type).isEmpty();
      }
    }
    assertThat(LifecycleLines.LOGGED)
        .containsExactlyInAnyOrder(Type.REGISTERED, Type.STARTED, Type.STOPPED, Type.DEREGISTERED);
  }

  @Test
  void aStormIsSaidInOneSummaryPerInterval() {
    for (int i = 0; i < 3; i++) {
      assertThat(lines.accept(event(Type.REGISTERED, "a" + i))).hasSize(1);
    }
    for (int i = 3; i < 10; i++) {
      assertThat(lines.accept(event(Type.REGISTERED, "a" + i))).isEmpty();
    }
    assertThat(lines.accept(event(Type.STARTED, "a0"))).isEmpty();
    clock.advance(Duration.ofMillis(999));
    assertThat(lines.tick()).as("the interval has not ended").isEmpty();

    clock.advance(Duration.ofMillis(1));

    assertThat(lines.tick())
        .containsExactly(
            new Held(Duration.ofSeconds(1), Map.of(Type.REGISTERED, 7, Type.STARTED, 1)));
    assertThat(lines.tick()).as("said once").isEmpty();
  }

  @Test
  void theFirstEventAfterAStormSaysTheSummaryAndItsOwnLine() {
    for (int i = 0; i < 4; i++) {
      lines.accept(event(Type.DEREGISTERED, "a" + i));
    }
    clock.advance(Duration.ofSeconds(3));

    assertThat(lines.accept(event(Type.STOPPED, "b")))
        .containsExactly(
            new Held(Duration.ofSeconds(3), Map.of(Type.DEREGISTERED, 1)),
            new One(event(Type.STOPPED, "b")));
  }

  @Test
  void heldCountsAddUp() {
    assertThat(new Held(Duration.ZERO, Map.of(Type.REGISTERED, 7, Type.STARTED, 1)).total())
        .isEqualTo(8);
  }
}
