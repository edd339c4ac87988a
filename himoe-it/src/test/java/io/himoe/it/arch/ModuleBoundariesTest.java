package io.himoe.it.arch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

/**
 * The boundaries every module keeps, checked on the compiled classes of all the modules this one
 * sees (core, experts, llm, learning, eval, runtime, server, branches): an {@code internal} package
 * is used only from the package that holds it, so its public classes are not API.
 */
class ModuleBoundariesTest {

  private static final JavaClasses ALL =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.himoe");

  /** {@code a.b.internal.c} -> {@code a.b}; null when the package has no internal part. */
  static String ownerOfInternal(String pkg) {
    int i = (pkg + ".").indexOf(".internal.");
    return i < 0 ? null : pkg.substring(0, i);
  }

  static final ArchRule INTERNAL_STAYS_INSIDE =
      ArchRuleDefinition.classes()
          .should(
              new ArchCondition<JavaClass>(
                  "use an internal package only from the package holding it") {
                @Override
                public void check(JavaClass origin, ConditionEvents events) {
                  for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    String target = d.getTargetClass().getPackageName();
                    // This project's internals; a library's own (e.g. LangChain4j's) are its
                    // business.
                    String owner = target.startsWith("io.himoe.") ? ownerOfInternal(target) : null;
                    if (owner == null) {
                      continue;
                    }
                    String from = origin.getPackageName();
                    if (!(from.equals(owner) || from.startsWith(owner + "."))) {
                      events.add(SimpleConditionEvent.violated(origin, d.getDescription()));
                    }
                  }
                }
              })
          .because("an internal package is an implementation of its parent package, not API");

  @Test
  void internalPackagesAreUsedOnlyByTheirParentPackage() {
    INTERNAL_STAYS_INSIDE.check(ALL);
  }

  /** Modules whose every package is null-checked by NullAway in the build. */
  static final java.util.List<String> NULL_MARKED_MODULES =
      java.util.List.of("himoe-core", "himoe-experts", "himoe-runtime", "himoe-eval");

  @Test
  void everyPackageOfTheNullCheckedModulesIsNullMarked() {
    java.util.Set<String> unmarked = new java.util.TreeSet<>();
    int seen = 0;
    for (JavaClass c : ALL) {
      String where = c.getSource().map(s -> s.getUri().toString()).orElse("");
      if (NULL_MARKED_MODULES.stream().noneMatch(m -> where.contains("/" + m + "/"))) {
        continue;
      }
      seen++;
      if (!c.getPackage().isAnnotatedWith(org.jspecify.annotations.NullMarked.class)) {
        unmarked.add(c.getPackageName());
      }
    }
    org.assertj.core.api.Assertions.assertThat(seen).as("classes of those modules").isPositive();
    org.assertj.core.api.Assertions.assertThat(unmarked)
        .as("packages without @NullMarked in their package-info")
        .isEmpty();
  }

  @Test
  void packagesFormNoCycle() {
    SlicesRuleDefinition.slices().matching("io.himoe.(**)").should().beFreeOfCycles().check(ALL);
  }

  @Test
  void theRuleCatchesAUseFromOutside() {
    JavaClasses bad = new ClassFileImporter().importClasses(ReachesIntoInternal.class);
    assertThatThrownBy(() -> INTERNAL_STAYS_INSIDE.check(bad))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ReachesIntoInternal")
        .hasMessageContaining("io.himoe.experts.llm.internal.CallScope");
  }
}
