package io.himoe.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./himoe} launcher's argument handling, run as a user runs it ({@code sh himoe ...}
 * from the repository root), with {@code HIMOE_LAUNCHER_DRY_RUN=1} so that it prints the java
 * command line it would run instead of building and running it.
 */
class LauncherTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** What the launcher printed and its exit code. */
  private record Outcome(int exit, List<String> argv, String err) {
    String mainClass() {
      return argv.stream().filter(a -> a.startsWith("io.himoe.")).findFirst().orElse("");
    }

    /** The arguments after the main class: what the command itself receives. */
    List<String> commandArgs() {
      return argv.subList(argv.indexOf(mainClass()) + 1, argv.size());
    }

    String classPath() {
      int i = argv.indexOf("-cp");
      return i < 0 ? "" : argv.get(i + 1);
    }
  }

  private static Outcome launch(String... args) throws IOException, InterruptedException {
    return launch(java.util.Map.of(), args);
  }

  /** Runs the launcher with HIMOE_JAVA_OPTS set to {@code javaOpts}. */
  private static Outcome launchWith(String javaOpts, String... args)
      throws IOException, InterruptedException {
    return launch(java.util.Map.of("HIMOE_JAVA_OPTS", javaOpts), args);
  }

  private static Outcome launch(java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("sh", ROOT.resolve("himoe").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    pb.environment().put("HIMOE_LAUNCHER_DRY_RUN", "1");
    pb.environment().remove("HIMOE_JAVA_OPTS");
    pb.environment().putAll(env);
    pb.environment().put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
    Path err = Files.createTempFile("launcher", ".err");
    try {
      pb.redirectError(err.toFile());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
      List<String> argv = out.isEmpty() ? List.of() : List.of(out.split("\n", -1));
      if (!argv.isEmpty() && argv.getLast().isEmpty()) {
        argv = argv.subList(0, argv.size() - 1);
      }
      return new Outcome(p.exitValue(), argv, Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  @Test
  void withModelsBeforeTuneRunsTheTunerWithTheRestOfTheLine() throws Exception {
    Outcome o = launch("--with", "models", "tune", "--help");

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.mainClass()).isEqualTo("io.himoe.tune.TuneMain");
    assertThat(o.commandArgs()).containsExactly("--help");
    assertThat(o.classPath()).startsWith(ROOT.resolve("himoe-tune/target/classes") + ":");
  }

  @Test
  void withOptionsAnywhereInATuneLineAreTakenOutBeforeTheTunerSeesThem() throws Exception {
    Outcome o =
        launch("tune", "--epochs", "2", "--with=models", "--out", "tuned dir", "--with", "models");

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.mainClass()).isEqualTo("io.himoe.tune.TuneMain");
    assertThat(o.commandArgs()).containsExactly("--epochs", "2", "--out", "tuned dir");
  }

  @Test
  void tuneWithoutOptionsIsUnchanged() throws Exception {
    Outcome o = launch("tune", "--model", "bge-small");

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.mainClass()).isEqualTo("io.himoe.tune.TuneMain");
    assertThat(o.commandArgs()).containsExactly("--model", "bge-small");
  }

  @Test
  void withModelsOnAServerCommandAddsTheModelsBesideTheServerJar() throws Exception {
    Outcome o = launch("eval", "routes", "--with", "models", "--encoder", "bge-small");

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.mainClass()).isEqualTo("io.himoe.server.Main");
    assertThat(o.commandArgs()).containsExactly("eval", "routes", "--encoder", "bge-small");
    assertThat(o.classPath()).startsWith(ROOT.resolve("himoe-server/target/himoe.jar") + ":");
  }

  @Test
  void withBranchesAndModelsCombineForServe() throws Exception {
    Outcome o = launch("--with", "branches,models", "serve", "--port", "0");

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.mainClass()).isEqualTo("io.himoe.server.Main");
    assertThat(o.commandArgs()).containsExactly("serve", "--port", "0");
    assertThat(o.classPath())
        .startsWith(ROOT.resolve("himoe-branches/target/classes") + ":")
        .contains(ROOT.resolve("himoe-server/target/himoe.jar").toString());
  }

  @Test
  void aCommandWithoutOptionsRunsTheServerJar() throws Exception {
    Outcome o = launch("demo");

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.argv())
        .containsSubsequence("-jar", ROOT.resolve("himoe-server/target/himoe.jar").toString())
        .endsWith("demo");
  }

  private static final String SERVE_OPTIONS = "@" + ROOT.resolve("deploy/serve-jvm.options");

  @Test
  void serveRunsWithTheShippedJvmOptionsFileAndOtherCommandsWithout() throws Exception {
    Outcome serve = launch("serve", "--port", "0");
    assertThat(serve.exit()).as(serve.err()).isZero();
    assertThat(serve.argv()).containsSubsequence(SERVE_OPTIONS, "-jar");

    Outcome demo = launch("demo");
    assertThat(demo.exit()).as(demo.err()).isZero();
    assertThat(demo.argv()).noneMatch(a -> a.startsWith("@"));
  }

  @Test
  void theShippedJvmOptionsSelectGenerationalZgcAndTheImageAndTheBenchReadTheSameFile()
      throws Exception {
    Path options = ROOT.resolve("deploy/serve-jvm.options");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + options,
                "-XX:+PrintCommandLineFlags",
                "-version")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("java -version ended").isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("-XX:+UseZGC").doesNotContain("MaxHeapSize=1073741824");

    assertThat(Files.readString(ROOT.resolve("deploy/Dockerfile")))
        .contains("COPY deploy/serve-jvm.options /app/serve-jvm.options")
        .contains("\"@/app/serve-jvm.options\"")
        .doesNotContain("-XX:+Use");
    assertThat(Files.readString(ROOT.resolve("himoe-server/bench-http.sh")))
        .contains("@$ROOT/deploy/serve-jvm.options")
        .doesNotContain("-Xmx1g ${");
  }

  @Test
  void himoeJavaOptsReplaceTheServersJvmOptions() throws Exception {
    Outcome o = launchWith("-Xmx2g -XX:+UseG1GC", "serve", "--port", "0");
    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.argv()).containsSubsequence("-Xmx2g", "-XX:+UseG1GC", "-jar");
    assertThat(o.argv()).doesNotContain(SERVE_OPTIONS);

    Outcome none = launchWith("", "serve");
    assertThat(none.exit()).as(none.err()).isZero();
    assertThat(none.argv()).doesNotContain(SERVE_OPTIONS).contains("-jar").endsWith("serve");
  }

  @Test
  void optionsThatMeanNothingAreRefusedNamingThem() throws Exception {
    Outcome branchesTune = launch("--with", "branches", "tune", "--help");
    assertThat(branchesTune.exit()).isEqualTo(2);
    assertThat(branchesTune.argv()).isEmpty();
    assertThat(branchesTune.err()).contains("--with branches", "'tune'");

    Outcome unknown = launch("--with", "gpu", "demo");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("'gpu'", "branches", "models");

    Outcome missing = launch("demo", "--with");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("--with needs a value");
  }
}
