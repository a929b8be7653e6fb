package io.flumesentinel.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.vertx.core.Deployable;

/**
 * The rules the code base keeps, as ArchUnit rules over a root package, so that they can be checked
 * against the product ({@link ArchitectureTest}) and shown to fail on fixtures that break them.
 */
final class ArchitectureRules {

  private ArchitectureRules() {}

  /** No two top-level packages under {@code root} depend on each other, directly or in a ring. */
  static ArchRule noPackageCycles(String root) {
    return slices().matching(root + ".(*)..").should().beFreeOfCycles();
  }

  /** The root package holds the main class and nothing else. */
  static ArchRule rootHoldsOnlyTheMainClass(String root, String mainClass) {
    return classes()
        .that()
        .resideInAPackage(root)
        .should()
        .haveNameMatching(java.util.regex.Pattern.quote(root + "." + mainClass) + "(\\$.*)?")
        .because("the command line lives in cli, the runtime in monitor");
  }

  /**
   * A verticle talks to the other stages over the event bus: no class uses a verticle of another
   * top-level package, except the assemblies that deploy them ({@code assemblers}).
   */
  static ArchRule noVerticleUsesAnotherStage(String root, String... assemblers) {
    String[] exempt = new String[assemblers.length];
    for (int i = 0; i < assemblers.length; i++) {
      exempt[i] = root + "." + assemblers[i] + "..";
    }
    return noClasses()
        .that()
        .resideOutsideOfPackages(exempt)
        .and()
        .resideInAPackage(root + "..")
        .should(useAVerticleOfAnotherPackage(root))
        .because("stages exchange messages, not references; only an assembly wires verticles");
  }

  /** Lower packages that everything may use never depend on a pipeline stage or the runtime. */
  static ArchRule foundationDependsOnNoStage(String root, String[] foundation, String[] above) {
    String[] lower = new String[foundation.length];
    for (int i = 0; i < foundation.length; i++) {
      lower[i] = root + "." + foundation[i] + "..";
    }
    String[] upper = new String[above.length];
    for (int i = 0; i < above.length; i++) {
      upper[i] = root + "." + above[i] + "..";
    }
    return noClasses()
        .that()
        .resideInAnyPackage(lower)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(upper);
  }

  /**
   * The classes that decide (what to send, hold, write, or wake up for) take time only from the
   * clock they are given and know nothing of Vert.x's runtime (its JSON types are only data), so
   * that they can be tested with an injected clock and no waiting.
   *
   * @param decisions fully qualified names of the deciding classes (their nested classes included)
   */
  static ArchRule decisionsTakeTimeFromTheirClock(String... decisions) {
    StringBuilder names = new StringBuilder();
    for (String decision : decisions) {
      names.append(names.isEmpty() ? "" : "|").append(java.util.regex.Pattern.quote(decision));
    }
    return noClasses()
        .that()
        .haveNameMatching("(" + names + ")(\\$.*)?")
        .should()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(java.time.Clock.class, "systemUTC")
        .orShould()
        .callMethod(java.time.Clock.class, "systemDefaultZone")
        .orShould()
        .dependOnClassesThat(
            JavaClass.Predicates.resideInAPackage("io.vertx..")
                .and(
                    DescribedPredicate.not(
                        JavaClass.Predicates.resideInAPackage("io.vertx.core.json.."))))
        .because("a decision is tested with an injected clock, never by waiting");
  }

  /**
   * The package {@code root.pkg} (with its subpackages) ships alone, in a jar of its own: it uses
   * nothing of Vert.x and no other package of the product.
   */
  static ArchRule standsAlone(String root, String pkg) {
    String own = root + "." + pkg + "..";
    return noClasses()
        .that()
        .resideInAPackage(own)
        .should()
        .dependOnClassesThat(
            JavaClass.Predicates.resideInAPackage("io.vertx..")
                .or(
                    JavaClass.Predicates.resideInAPackage(root + "..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage(own)))))
        .because("it goes alone into an application's class path, which has no Vert.x");
  }

  /** The classes of exactly {@code pkg} (not its subpackages) use no logging framework. */
  static ArchRule knowsNoLoggingFramework(String pkg) {
    return noClasses()
        .that()
        .resideInAPackage(pkg)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ch.qos.logback..", "org.apache.logging..", "org.slf4j..")
        .because(
            "the core is shared by the Logback and Log4j2 adapters and must not log into itself");
  }

  private static ArchCondition<JavaClass> useAVerticleOfAnotherPackage(String root) {
    return new ArchCondition<>("use a verticle of another top-level package") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
          JavaClass target = dependency.getTargetClass();
          if (target.getPackageName().startsWith(root + ".")
              && target.isAssignableTo(Deployable.class)
              && !topPackage(root, target).equals(topPackage(root, origin))) {
            events.add(SimpleConditionEvent.satisfied(dependency, dependency.getDescription()));
          }
        }
      }
    };
  }

  /** {@code io.flumesentinel.notify.webhook.X} → {@code notify}. */
  private static String topPackage(String root, JavaClass javaClass) {
    String rest = javaClass.getPackageName().substring(root.length());
    if (rest.isEmpty()) {
      return "";
    }
    int dot = rest.indexOf('.', 1);
    return dot < 0 ? rest.substring(1) : rest.substring(1, dot);
  }
}
