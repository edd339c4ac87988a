package io.himoe.experts.encoders;

import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A command-line benchmark of the encoders: for each encoder named, the resident memory its model
 * adds (Linux {@code VmRSS}, read before and after loading), single-threaded per-query latency
 * without a cache (p50, p99, mean), throughput with batches of 1, 8 and 32 through {@link
 * Encoder#encodeAll}, and for sentence encoders the cost of a cache hit. Queries are the sentences
 * of the built-in knowledge documents (real text, 20 to 300 chars). Each encoder is warmed up for 2
 * s first. Wall-clock figures depend on the machine; run it on an otherwise idle one.
 *
 * <pre>{@code
 * java -cp <himoe-experts classpath> io.himoe.experts.encoders.EncoderBenchmark [rounds
 *     [--texts FILE.jsonl] [NAME...]]
 * }</pre>
 *
 * {@code --texts} times the {@code text} fields of a JSONL file instead (e.g. routing queries).
 *
 * <p>NAME is anything {@link Encoders#byName} reads (default: {@code hashing minilm}).
 */
public final class EncoderBenchmark {

  private static final List<String> DOCS =
      List.of(
          "himoe.md",
          "mixture-of-experts.md",
          "java.md",
          "france.md",
          "solar-system.md",
          "constants.md");

  /** Warm-up time per encoder before measuring: 2 s. */
  static final long WARM_UP_NANOS = 2_000_000_000L;

  private EncoderBenchmark() {}

  /**
   * @param args optional: how many passes over the sentences to time (default 5), then encoder
   *     names (default {@code hashing minilm})
   */
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<String> rest = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
    List<String> texts = sentences();
    if (rest.size() >= 2 && rest.getFirst().equals("--texts")) {
      texts = jsonlTexts(java.nio.file.Path.of(rest.get(1)));
      rest = rest.subList(2, rest.size());
    }
    List<String> names = rest.isEmpty() ? List.of("hashing", "minilm") : rest;
    run(rounds, names, texts, WARM_UP_NANOS, System.out);
  }

  /**
   * @param file a JSONL file whose rows have a {@code text} field (e.g. CLINC150's), read with a
   *     plain pattern since this module has no JSON reader
   * @return the texts, in order
   * @throws IOException if the file cannot be read
   */
  static List<String> jsonlTexts(java.nio.file.Path file) throws IOException {
    java.util.regex.Pattern p =
        java.util.regex.Pattern.compile("\"text\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    List<String> out = new ArrayList<>();
    for (String line : java.nio.file.Files.readAllLines(file)) {
      java.util.regex.Matcher m = p.matcher(line);
      if (m.find()) {
        out.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no row with a \"text\" field");
    }
    return out;
  }

  /**
   * Runs the benchmark over {@code hashing} and {@code minilm} and prints a Markdown table.
   *
   * @param rounds passes over the sentences to time (one more is run first as warm-up)
   * @param out where to print
   * @return the rows printed
   */
  public static List<String> run(int rounds, PrintStream out) {
    return run(rounds, List.of("hashing", "minilm"), sentences(), WARM_UP_NANOS, out);
  }

  static List<String> run(
      int rounds, List<String> names, List<String> sentences, long warmUpNanos, PrintStream out) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    List<String> rows = new ArrayList<>();
    rows.add("| encoder | measure | value |");
    rows.add("|---|---|---|");
    for (String name : names) {
      long before = residentBytes();
      Encoder enc = uncached(Encoders.byName(name));
      enc.encode(InputData.text("load the model")); // loads it
      long after = residentBytes();
      if (before > 0 && after > 0) {
        rows.add(
            "| "
                + enc.id()
                + " | resident memory added by loading | "
                + String.format(Locale.ROOT, "%.0f MB", (after - before) / 1e6)
                + " |");
      }
      warmUp(enc, sentences, warmUpNanos);
      latency(enc.id() + " (no cache)", enc, sentences, rounds, rows);
      throughput(enc.id() + " (no cache)", enc, sentences, rounds, rows);
      if (!(enc instanceof HashingEncoder)) {
        Encoder cached = Encoders.byName(name);
        cached.encodeAll(inputs(sentences));
        latency(enc.id() + " (cache hit)", cached, sentences, rounds, rows);
      }
    }
    rows.add("| | sentences | " + sentences.size() + " (" + avgChars(sentences) + " chars avg) |");
    rows.forEach(out::println);
    return rows;
  }

  /** The same encoder without caches (sentence models are shared, so this loads nothing new). */
  private static Encoder uncached(Encoder e) {
    return switch (e) {
      case SentenceEncoder s -> s.withCacheSize(0);
      case ConcatEncoder c ->
          ConcatEncoder.of(c.parts().stream().map(EncoderBenchmark::uncached).toList())
              .withCacheSize(0);
      default -> e;
    };
  }

  /** The process's resident set in bytes from /proc/self/status, or 0 where there is none. */
  static long residentBytes() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /** At least one pass, then more until the time is up, so the JIT has compiled the hot path. */
  private static void warmUp(Encoder enc, List<String> sentences, long nanos) {
    List<InputData> in = inputs(sentences);
    long end = System.nanoTime() + nanos;
    do {
      for (InputData x : in) {
        enc.encode(x);
      }
    } while (System.nanoTime() < end);
  }

  private static void latency(
      String name, Encoder enc, List<String> sentences, int rounds, List<String> rows) {
    List<InputData> in = inputs(sentences);
    for (InputData x : in) {
      enc.encode(x); // warm-up
    }
    long[] ns = new long[in.size() * rounds];
    int k = 0;
    for (int r = 0; r < rounds; r++) {
      for (InputData x : in) {
        long t0 = System.nanoTime();
        enc.encode(x);
        ns[k++] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(ns);
    rows.add(
        "| "
            + name
            + " | latency 1 thread p50 / p99 / mean | "
            + us(ns[ns.length / 2])
            + " / "
            + us(ns[(int) Math.min(ns.length - 1, Math.ceil(ns.length * 0.99) - 1)])
            + " / "
            + us(Arrays.stream(ns).sum() / ns.length)
            + " |");
  }

  private static void throughput(
      String name, Encoder enc, List<String> sentences, int rounds, List<String> rows) {
    List<InputData> in = inputs(sentences);
    for (int batch : new int[] {1, 8, 32}) {
      enc.encodeAll(in.subList(0, Math.min(batch, in.size()))); // warm-up
      long t0 = System.nanoTime();
      long n = 0;
      for (int r = 0; r < rounds; r++) {
        for (int from = 0; from < in.size(); from += batch) {
          List<InputData> b = in.subList(from, Math.min(in.size(), from + batch));
          enc.encodeAll(b);
          n += b.size();
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      rows.add(
          "| "
              + name
              + " | throughput, batch "
              + batch
              + " | "
              + String.format(Locale.ROOT, "%,.0f texts/s", n / secs)
              + " |");
    }
  }

  private static String us(long nanos) {
    return String.format(Locale.ROOT, "%.1f µs", nanos / 1000.0);
  }

  private static long avgChars(List<String> s) {
    return Math.round(s.stream().mapToInt(String::length).average().orElse(0));
  }

  private static List<InputData> inputs(List<String> sentences) {
    return sentences.stream().map(InputData::text).toList();
  }

  /** The sentences of the built-in documents, headings left out. */
  static List<String> sentences() {
    List<String> out = new ArrayList<>();
    for (String doc : DOCS) {
      String name = "io/himoe/experts/knowledge/builtin/" + doc;
      try (InputStream in = EncoderBenchmark.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("benchmark text " + name + " is missing");
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        for (String para : text.split("\\n\\s*\\n")) {
          if (para.startsWith("#")) {
            continue;
          }
          for (String s : para.replace('\n', ' ').split("(?<=[.!?])\\s+")) {
            if (s.strip().length() >= 20) {
              out.add(s.strip());
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
