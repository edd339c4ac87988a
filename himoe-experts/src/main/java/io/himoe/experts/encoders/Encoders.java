package io.himoe.experts.encoders;

import io.himoe.shared.Encoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Looks up the built-in encoders by the names configuration files use. */
public final class Encoders {

  /** The plain names {@link #byName} accepts (besides {@code hashing-N} and {@code onnx:...}). */
  public static final List<String> NAMES =
      List.of("hashing", "minilm", "minilm-full", "bge-small", "bge-small-q", "e5-small-q");

  /**
   * The encoder a learned router uses unless told otherwise: the most accurate combination whose
   * routing p99 stays under 5 ms on a 2-core machine (docs/BENCHMARKS.md §9): int8 MiniLM sentence
   * embeddings beside 4,096 hashed n-grams, 2.1 ms p99 per CLINC150 query, a repeated query from
   * the cache in microseconds.
   */
  public static final String DEFAULT_ROUTING = "minilm+hashing";

  private Encoders() {}

  /**
   * @param name one of {@link #NAMES}: {@code hashing} (a {@link HashingEncoder} of dimension
   *     {@value HashingEncoder#DEFAULT_DIMENSION}), {@code hashing-<dimension>} (e.g. {@code
   *     hashing-1024}), a {@link SentenceModel} by its configuration name or id ({@code minilm},
   *     {@code bge-small}, {@code bge-small-en-v1.5}, ...), or an ONNX encoder from files: {@code
   *     onnx:FILE[,tokenizer=FILE][,pooling=mean|cls][,prefix=TEXT]} (the tokenizer defaults to
   *     {@code tokenizer.json} beside the graph, pooling to mean; a prefix gets a trailing space);
   *     or several of these joined by {@code +} (e.g. {@code bge-small+hashing}, a {@link
   *     ConcatEncoder}). Case and surrounding spaces are ignored except in file names, so {@code
   *     byName(encoder.id())} rebuilds a saved encoder.
   * @return a new encoder (sentence encoders share their loaded model)
   * @throws IllegalArgumentException naming the allowed values if the name is unknown
   */
  public static Encoder byName(String name) {
    String raw = name == null ? "" : name.strip();
    if (raw.contains("+")) {
      List<Encoder> parts = new ArrayList<>();
      for (String part : raw.split("\\+", -1)) {
        if (part.isBlank()) {
          throw new IllegalArgumentException(
              "encoder: empty part in '" + name + "', expected e.g. bge-small+hashing");
        }
        parts.add(byName(part));
      }
      return ConcatEncoder.of(parts);
    }
    if (raw.regionMatches(true, 0, "onnx:", 0, 5)) {
      return onnx(raw.substring(5));
    }
    String key = raw.toLowerCase(Locale.ROOT);
    if (key.startsWith("hashing-")) {
      String dim = key.substring("hashing-".length());
      if (!dim.isEmpty() && dim.length() <= 7 && dim.chars().allMatch(Character::isDigit)) {
        return HashingEncoder.of(Integer.parseInt(dim));
      }
    }
    if (key.equals("hashing")) {
      return HashingEncoder.ofDefaults();
    }
    return SentenceModel.byName(key)
        .<Encoder>map(Encoders::sentence)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "encoder: unknown name '"
                        + name
                        + "', expected one of "
                        + NAMES
                        + ", hashing-<dimension>, onnx:FILE[,tokenizer=FILE][,pooling=mean|cls]"
                        + " or several joined by '+'"));
  }

  private static Encoder sentence(SentenceModel m) {
    m.requireAvailable();
    return SentenceEncoder.of(m);
  }

  private static Encoder onnx(String spec) {
    String[] fields = spec.split(",", -1);
    if (fields[0].isBlank()) {
      throw new IllegalArgumentException(
          "encoder: 'onnx:' needs a file, e.g. onnx:model.onnx,tokenizer=tokenizer.json");
    }
    Path graph = Path.of(fields[0].strip());
    Path parent = graph.toAbsolutePath().getParent();
    Path tokenizer = parent == null ? Path.of("tokenizer.json") : parent.resolve("tokenizer.json");
    Pooling pooling = Pooling.MEAN;
    String prefix = "";
    for (int i = 1; i < fields.length; i++) {
      String f = fields[i];
      int eq = f.indexOf('=');
      String k = eq < 0 ? f.strip() : f.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String v = eq < 0 ? "" : f.substring(eq + 1).strip();
      switch (k) {
        case "tokenizer" -> tokenizer = Path.of(v);
        case "pooling" -> pooling = Pooling.parse(v);
        case "prefix" -> prefix = v.isEmpty() ? "" : v + " ";
        default ->
            throw new IllegalArgumentException(
                "encoder: unknown onnx option '"
                    + f.strip()
                    + "', expected tokenizer=FILE, pooling=mean|cls or prefix=TEXT");
      }
    }
    return SentenceEncoder.fromFiles(
        graph, tokenizer, pooling, prefix, SentenceEncoder.DEFAULT_CACHE_SIZE);
  }
}
