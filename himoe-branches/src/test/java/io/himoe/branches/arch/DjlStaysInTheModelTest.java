package io.himoe.branches.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * DJL's tensors are an implementation detail of the branched network: only {@code
 * io.himoe.branches.model} (and its {@code internal}) touch them, and no public method there takes
 * or returns one.
 */
class DjlStaysInTheModelTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.himoe.branches");

  @Test
  void onlyTheModelPackageUsesDjl() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.himoe.branches.model..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.djl..")
        .check(CLASSES);
  }

  @Test
  void noPublicMethodOfTheModelSpeaksDjl() {
    methods()
        .that()
        .areDeclaredInClassesThat()
        .resideInAPackage("io.himoe.branches.model")
        .and()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .arePublic()
        .should(
            new ArchCondition<JavaMethod>("take and return no DJL type") {
              @Override
              public void check(JavaMethod m, ConditionEvents events) {
                boolean djl =
                    m.getRawReturnType().getPackageName().startsWith("ai.djl")
                        || m.getRawParameterTypes().stream()
                            .anyMatch(t -> t.getPackageName().startsWith("ai.djl"));
                if (djl) {
                  events.add(SimpleConditionEvent.violated(m, m.getFullName() + " speaks DJL"));
                }
              }
            })
        .check(CLASSES);
  }
}
