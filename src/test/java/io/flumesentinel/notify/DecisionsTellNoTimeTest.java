package io.flumesentinel.notify;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The notifier's decisions take the time from the clock or the arguments they are given, never from
 * the system, so that they can be tested without waiting and replayed to the nanosecond.
 */
class DecisionsTellNoTimeTest {

  @Test
  void theNotifiersDecisionsNeverReadTheSystemClock() {
    JavaClasses decisions =
        new ClassFileImporter()
            .importClasses(
                DeliverySchedule.class,
                DeliverySchedule.Attempt.class,
                DeliverySchedule.Next.class,
                DeliverySchedule.Arrival.class,
                DeliverySchedule.Settlement.class,
                GroupHolds.class,
                DeliveryQueue.class,
                Backoff.class);

    noClasses()
        .should()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(Instant.class, "now")
        .orShould()
        .callMethod(Clock.class, "systemUTC")
        .orShould()
        .callMethod(Clock.class, "systemDefaultZone")
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("io.vertx..")
        .check(decisions);
  }
}
