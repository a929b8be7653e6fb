package io.flumesentinel.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The rules fail on code that breaks them: fixtures with a package cycle and a reaching verticle.
 */
class ArchitectureRulesTest {

  private static final String FIXTURE = "io.flumesentinel.architecture.fixture";

  @Test
  void aPackageCycleFailsTheBuild() {
    JavaClasses cycle = new ClassFileImporter().importPackages(FIXTURE + ".cycle");
    assertThatThrownBy(() -> ArchitectureRules.noPackageCycles(FIXTURE + ".cycle").check(cycle))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Cycle detected")
        .hasMessageContaining("fixture.cycle.a")
        .hasMessageContaining("fixture.cycle.b");
  }

  @Test
  void aClassUsingAnotherPackagesVerticleFailsTheBuild() {
    JavaClasses reach = new ClassFileImporter().importPackages(FIXTURE + ".reach");
    assertThatThrownBy(
            () ->
                ArchitectureRules.noVerticleUsesAnotherStage(FIXTURE + ".reach", "assembly")
                    .check(reach))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Reaching")
        .hasMessageContaining("OtherStageVerticle");
  }

  @Test
  void aDecisionReadingTheSystemClockFailsTheBuild() {
    JavaClasses clock = new ClassFileImporter().importPackages(FIXTURE + ".clock");
    assertThatThrownBy(
            () ->
                ArchitectureRules.decisionsTakeTimeFromTheirClock(
                        FIXTURE + ".clock.WallClockDecision")
                    .check(clock))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Instant.now()");
  }

  @Test
  void aSecondClassInTheRootPackageFailsTheBuild() {
    JavaClasses cycle = new ClassFileImporter().importPackages(FIXTURE + ".cycle");
    assertThatThrownBy(
            () ->
                ArchitectureRules.rootHoldsOnlyTheMainClass(FIXTURE + ".cycle.a", "First")
                    .check(cycle))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Second");
  }

  @Test
  void anAppenderUsingVertxOrTheMonitorFailsTheBuild() {
    JavaClasses alone = new ClassFileImporter().importPackages(FIXTURE + ".alone");
    assertThatThrownBy(
            () -> ArchitectureRules.standsAlone(FIXTURE + ".alone", "appender").check(alone))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("JsonObject")
        .hasMessageContaining("MonitorPart");
  }
}
