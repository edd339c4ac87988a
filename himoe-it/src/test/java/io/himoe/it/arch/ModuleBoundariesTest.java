package io.himoe.it.arch;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boundaries every module keeps, checked on the compiled classes of all the modules this one
 * sees (core, experts, llm, learning, eval, runtime, server, branches): an {@code internal} package
 * is used only from the package that holds it, so its public classes are not API, and no package
 * cycle. Every module of the build keeps every package {@code @NullMarked} (NullAway checks them
 * when it compiles), checked on their sources.
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

  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

  /**
   * The modules of the build (the root pom's {@code <module>} entries) that have main sources: all
   * are null-checked by NullAway, so a module added later is covered without editing this test.
   * Checked on their sources (this module's class path lacks himoe-quantum, himoe-tune and
   * himoe-bench).
   */
  static List<String> modulesWithSources(Path repo) throws IOException {
    Matcher m = MODULE.matcher(Files.readString(repo.resolve("pom.xml")));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      String module = m.group(1).strip();
      if (Files.isDirectory(repo.resolve(module).resolve("src/main/java"))) {
        out.add(module);
      }
    }
    return out;
  }

  private static final Pattern NULL_MARKED =
      Pattern.compile("(?m)^\\s*@(org\\.jspecify\\.annotations\\.)?NullMarked\\b");

  /**
   * The packages under a source root that hold Java files without a {@code package-info.java}
   * annotated {@code @NullMarked}: NullAway (OnlyNullMarked) silently skips them.
   */
  static SortedSet<String> unmarkedPackages(Path sourceRoot) throws IOException {
    SortedSet<String> unmarked = new TreeSet<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path dir :
          files
              .filter(f -> f.toString().endsWith(".java"))
              .map(Path::getParent)
              .distinct()
              .toList()) {
        Path info = dir.resolve("package-info.java");
        if (!Files.exists(info) || !NULL_MARKED.matcher(Files.readString(info)).find()) {
          unmarked.add(
              sourceRoot
                  .relativize(dir)
                  .toString()
                  .replace(dir.getFileSystem().getSeparator(), "."));
        }
      }
    }
    return unmarked;
  }

  /** The repository's root: the parent of this module's directory. */
  private static Path repoRoot() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
        .toAbsolutePath()
        .getParent();
  }

  @Test
  void everyPackageOfEveryModuleIsNullMarked() throws IOException {
    Path repo = repoRoot();
    List<String> modules = modulesWithSources(repo);
    assertThat(modules)
        .as("modules with main sources")
        .contains("himoe-core", "himoe-server", "himoe-quantum", "himoe-bench")
        .doesNotContain("himoe-it");
    Map<String, SortedSet<String>> unmarked = new TreeMap<>();
    for (String module : modules) {
      Path sources = repo.resolve(module).resolve("src/main/java");
      assertThat(sources).as(module + " sources").isDirectory();
      SortedSet<String> missing = unmarkedPackages(sources);
      if (!missing.isEmpty()) {
        unmarked.put(module, missing);
      }
    }
    assertThat(unmarked).as("packages without @NullMarked in their package-info").isEmpty();
  }

  @Test
  void theNullMarkedCheckCatchesAnUnmarkedPackage(@TempDir Path root) throws IOException {
    Path marked = Files.createDirectories(root.resolve("io/himoe/a"));
    Files.writeString(marked.resolve("A.java"), "package io.himoe.a;\nclass A {}\n");
    Files.writeString(
        marked.resolve("package-info.java"),
        "/** A. */\n@NullMarked\npackage io.himoe.a;\n\nimport org.jspecify.annotations.NullMarked;\n");
    Path commented = Files.createDirectories(root.resolve("io/himoe/b"));
    Files.writeString(commented.resolve("B.java"), "package io.himoe.b;\nclass B {}\n");
    Files.writeString(
        commented.resolve("package-info.java"),
        "/**\n * Not {@code @NullMarked} yet.\n */\npackage io.himoe.b;\n");
    Path bare = Files.createDirectories(root.resolve("io/himoe/c"));
    Files.writeString(bare.resolve("C.java"), "package io.himoe.c;\nclass C {}\n");

    assertThat(unmarkedPackages(root)).containsExactly("io.himoe.b", "io.himoe.c");
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
