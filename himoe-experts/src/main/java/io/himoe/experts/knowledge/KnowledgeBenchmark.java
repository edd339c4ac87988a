package io.himoe.experts.knowledge;

import io.himoe.experts.encoders.HashingEncoder;
import io.himoe.experts.encoders.SentenceEncoder;
import io.himoe.experts.encoders.SentenceModel;
import io.himoe.shared.Context;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A command-line benchmark of the knowledge expert over the built-in documents, for the hashing and
 * MiniLM encoders: the cold index build, a reopen that finds the index up to date, and the
 * single-threaded latency of one question (p50 / p99). Each run uses a fresh temporary folder.
 *
 * <pre>{@code
 * java -cp <himoe-experts classpath> io.himoe.experts.knowledge.KnowledgeBenchmark [rounds]
 * }</pre>
 */
public final class KnowledgeBenchmark {

  /** The questions timed, in English and French. */
  static final List<String> QUESTIONS =
      List.of(
          "What is the speed of light?",
          "Quelle est la hauteur de la tour Eiffel ?",
          "Which planet is the largest?",
          "When were virtual threads finalised?",
          "Who introduced the mixture of experts?",
          "How does Hi-MoE route a request?",
          "Quel est le point culminant de la France ?",
          "What is absolute zero in Celsius?");

  private KnowledgeBenchmark() {}

  /**
   * @param args optional: how many passes over the questions to time (default 20)
   */
  public static void main(String[] args) {
    run(args.length > 0 ? Integer.parseInt(args[0]) : 20, System.out);
  }

  /**
   * Runs the benchmark and prints a Markdown table.
   *
   * @param rounds passes over the questions to time (one more is run first as warm-up)
   * @param out where to print
   * @return the rows printed
   */
  public static List<String> run(int rounds, PrintStream out) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    List<String> rows = new ArrayList<>();
    rows.add("| encoder | measure | value |");
    rows.add("|---|---|---|");
    measure("hashing-4096", HashingEncoder::ofDefaults, rounds, rows);
    measure(
        "minilm", () -> SentenceEncoder.of(SentenceModel.MINILM_L6_V2_Q, 0).warmUp(), rounds, rows);
    rows.forEach(out::println);
    return rows;
  }

  private static void measure(
      String name, Supplier<Encoder> encoders, int rounds, List<String> rows) {
    Path dir;
    try {
      dir = Files.createTempDirectory("himoe-knowledge-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Encoder enc = encoders.get();
    long t0 = System.nanoTime();
    int passages;
    try (KnowledgeExpert k = KnowledgeExpert.builtIn(dir, enc)) {
      passages = k.passageCount();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long build = System.nanoTime() - t0;
    t0 = System.nanoTime();
    try (KnowledgeExpert k = KnowledgeExpert.builtIn(dir, enc)) {
      long reopen = System.nanoTime() - t0;
      if (k.rebuilt()) {
        throw new IllegalStateException("the reopened index was rebuilt");
      }
      Context ctx = Context.of(Duration.ofMinutes(5));
      for (String q : QUESTIONS) {
        k.infer(InputData.text(q), ctx); // warm-up
      }
      long[] ns = new long[QUESTIONS.size() * rounds];
      int i = 0;
      for (int r = 0; r < rounds; r++) {
        for (String q : QUESTIONS) {
          long s = System.nanoTime();
          k.infer(InputData.text(q), ctx);
          ns[i++] = System.nanoTime() - s;
        }
      }
      Arrays.sort(ns);
      rows.add("| " + name + " | cold build (" + passages + " passages) | " + ms(build) + " |");
      rows.add("| " + name + " | reopen, index up to date | " + ms(reopen) + " |");
      rows.add(
          "| "
              + name
              + " | question latency p50 / p99 | "
              + ms(ns[ns.length / 2])
              + " / "
              + ms(ns[(int) Math.ceil(ns.length * 0.99) - 1])
              + " |");
    } catch (Exception e) {
      throw new IllegalStateException("knowledge benchmark failed: " + e.getMessage(), e);
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A temporary folder left behind is harmless; the figures are already measured.
    }
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }
}
