package io.flumesentinel.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture, checked on the product's classes: packages without cycles, the main class alone
 * in the root package, stages that exchange messages instead of reaching into each other, and the
 * shared foundation (messages, the ZooKeeper protocol, config, readiness, logging) below every
 * stage.
 */
class ArchitectureTest {

  static final String ROOT = "io.flumesentinel";

  /** Used by every stage; depends on none of them. */
  static final String[] FOUNDATION = {"event", "protocol", "config", "readiness", "logging"};

  /** Everything above the foundation. */
  static final String[] STAGES_AND_RUNTIME = {
    "zk",
    "classify",
    "shape",
    "alert",
    "notify",
    "silence",
    "history",
    "ha",
    "http",
    "monitor",
    "supervisor",
    "cli"
  };

  /** Pipeline stages: they never reach up into what assembles or serves them. */
  static final String[] STAGES = {
    "zk", "classify", "shape", "alert", "notify", "silence", "history"
  };

  private static JavaClasses product;

  @BeforeAll
  static void importProduct() {
    product =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);
  }

  @Test
  void packagesHaveNoCycles() {
    ArchitectureRules.noPackageCycles(ROOT).check(product);
  }

  @Test
  void theRootPackageHoldsOnlyTheMainClass() {
    ArchitectureRules.rootHoldsOnlyTheMainClass(ROOT, "FlumeSentinel").check(product);
  }

  @Test
  void onlyTheAssembliesUseAnotherPackagesVerticles() {
    ArchitectureRules.noVerticleUsesAnotherStage(ROOT, "monitor").check(product);
  }

  @Test
  void decisionsTakeTimeOnlyFromTheirClock() {
    ArchitectureRules.decisionsTakeTimeFromTheirClock(
            ROOT + ".classify.Classifier",
            ROOT + ".classify.AgentView",
            ROOT + ".classify.LifecycleLines",
            ROOT + ".shape.Flapping",
            ROOT + ".shape.HostInhibition",
            ROOT + ".shape.StageChain",
            ROOT + ".alert.Ledger",
            ROOT + ".alert.IncidentUpdate",
            ROOT + ".alert.RecordLimits",
            ROOT + ".alert.LedgerEffects",
            ROOT + ".alert.LedgerEntry",
            ROOT + ".alert.LedgerRecord",
            ROOT + ".alert.Reminders",
            ROOT + ".alert.Router",
            ROOT + ".alert.MetaAlerts",
            ROOT + ".event.Ending",
            ROOT + ".notify.DeliverySchedule",
            ROOT + ".notify.GroupHolds",
            ROOT + ".notify.DeliveryQueue",
            ROOT + ".notify.Backoff",
            ROOT + ".history.DropLog",
            ROOT + ".history.HistoryRecords",
            ROOT + ".http.ClientRateLimiter",
            ROOT + ".http.RefusalLog",
            ROOT + ".http.AccessPolicy",
            ROOT + ".dashboard.TickPacer",
            ROOT + ".dashboard.ChangeBatch",
            ROOT + ".appender.Failover",
            ROOT + ".appender.Backoff")
        .check(product);
  }

  @Test
  void theFoundationDependsOnNoStage() {
    ArchitectureRules.foundationDependsOnNoStage(ROOT, FOUNDATION, STAGES_AND_RUNTIME)
        .check(product);
  }

  @Test
  void stagesDoNotReachUpIntoTheRuntime() {
    ArchitectureRules.foundationDependsOnNoStage(
            ROOT, STAGES, new String[] {"ha", "http", "monitor", "supervisor", "cli"})
        .check(product);
  }

  @Test
  void theSupervisorAndTheMonitorShareOnlyTheFoundation() {
    ArchitectureRules.foundationDependsOnNoStage(
            ROOT, new String[] {"supervisor"}, new String[] {"monitor", "ha", "http", "cli"})
        .check(product);
  }

  @Test
  void theAppenderUsesNeitherVertxNorTheMonitor() {
    ArchitectureRules.standsAlone(ROOT, "appender").check(product);
  }

  @Test
  void theAppenderCoreKnowsNoLoggingFramework() {
    ArchitectureRules.knowsNoLoggingFramework(ROOT + ".appender").check(product);
  }
}
