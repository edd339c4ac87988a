package io.himoe.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.himoe.experts.Expert;
import io.himoe.experts.StreamingExpert;
import org.junit.jupiter.api.Test;

/**
 * "No bypass" (seed 001): only routers call experts. Checked on the compiled classes, so a new
 * shortcut from the orchestrator or the engine to an expert fails the build.
 */
class NoBypassArchitectureTest {

  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.himoe");

  private static final DescribedPredicate<JavaMethodCall> CALLS_INFER =
      new DescribedPredicate<>("a call of Expert.infer or StreamingExpert.stream") {
        @Override
        public boolean test(JavaMethodCall call) {
          return (call.getName().equals("infer")
                  && call.getTargetOwner().isAssignableTo(Expert.class))
              || (call.getName().equals("stream")
                  && call.getTargetOwner().isAssignableTo(StreamingExpert.class));
        }
      };

  private static final ArchRule ONLY_ROUTERS_CALL_EXPERTS =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.himoe.router..")
          .should()
          .callMethodWhere(CALLS_INFER)
          .because("orchestrators and the engine must reach experts through a router");

  @Test
  void onlyRoutersCallExperts() {
    ONLY_ROUTERS_CALL_EXPERTS.check(CORE);
  }

  @Test
  void theRuleCatchesABypass() {
    JavaClasses bad = new ClassFileImporter().importClasses(BypassingOrchestrator.class);
    assertThatThrownBy(() -> ONLY_ROUTERS_CALL_EXPERTS.check(bad))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("BypassingOrchestrator");
  }

  @Test
  void aggregationDoesNotDependOnTheRouterPackage() {
    // router -> router.aggregation only: an aggregator sees gate weights and a synthesizer, never
    // a Router or GateScores, so the two packages form no cycle.
    noClasses()
        .that()
        .resideInAPackage("io.himoe.router.aggregation..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.himoe.router")
        .check(CORE);
  }

  @Test
  void theRouterPackagesAreFreeOfCycles() {
    com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
        .matching("io.himoe.(router)..")
        .should()
        .beFreeOfCycles()
        .check(CORE);
    com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
        .matching("io.himoe.router.(*)..")
        .should()
        .beFreeOfCycles()
        .check(CORE);
  }
}
