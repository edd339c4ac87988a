package io.himoe.experts.encoders;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An in-process transformer sentence encoder run by ONNX Runtime: one of the {@link SentenceModel}s
 * shipped in Maven jars, or any BERT-style ONNX graph with its Hugging Face tokenizer JSON ({@link
 * #fromFiles}). Vectors are the pooled last hidden states ({@link Pooling}), scaled to unit L2
 * norm.
 *
 * <p>A bounded Caffeine cache keeps the vectors of recently seen texts, so a repeated query costs a
 * hash lookup instead of a model call. {@link #encodeAll} sends the texts missing from the cache to
 * the model in padded batches of up to {@value #BATCH} texts of similar length, spread over a small
 * pool of platform threads (a native call would pin a virtual thread's carrier). Int8 graphs
 * quantise activations per call, so that a text's vector would depend on its batch-mates: they get
 * one text per call, still two calls at a time. A model is loaded once per JVM, on first use, and
 * shared by every encoder over it; encoders are thread-safe.
 */
public final class SentenceEncoder implements Encoder {

  /** The cache size {@link #of(SentenceModel)} uses, in texts (about 1.6 KB each at 384 dims). */
  public static final int DEFAULT_CACHE_SIZE = 4096;

  /** Texts per model call in {@link #encodeAll}. */
  public static final int BATCH = 32;

  /** Platform threads that run the models: at most 2, fewer on a single core. */
  static final int POOL_THREADS = Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 2);

  private static final Map<String, OnnxModel> LOADED = new ConcurrentHashMap<>();

  private static final ExecutorService POOL =
      Executors.newFixedThreadPool(
          POOL_THREADS, Thread.ofPlatform().daemon().name("himoe-encoder-", 0).factory());

  private final String id;
  private final String prefix;
  private final java.util.function.Supplier<OnnxModel> model;
  private final Cache<String, float[]> cache;
  private final long cacheSize;

  private SentenceEncoder(
      String id, String prefix, java.util.function.Supplier<OnnxModel> model, long cacheSize) {
    if (cacheSize < 0) {
      throw new IllegalArgumentException(
          "encoder " + id + ": cacheSize must be >= 0, got " + cacheSize);
    }
    this.id = id;
    this.prefix = prefix;
    this.model = model;
    this.cacheSize = cacheSize;
    this.cache = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build();
  }

  /**
   * @param model a built-in model
   * @return an encoder with a cache of {@value #DEFAULT_CACHE_SIZE} texts
   */
  public static SentenceEncoder of(SentenceModel model) {
    return of(model, DEFAULT_CACHE_SIZE);
  }

  /**
   * @param model a built-in model
   * @param cacheSize how many recent texts to keep, {@code >= 0} (0 disables the cache)
   * @return an encoder
   * @throws IllegalArgumentException if the cache size is negative
   */
  public static SentenceEncoder of(SentenceModel model, long cacheSize) {
    Objects.requireNonNull(model, "model");
    return new SentenceEncoder(
        model.id(),
        model.prefix(),
        () -> LOADED.computeIfAbsent(model.id(), k -> OnnxModel.fromClassPath(model)),
        cacheSize);
  }

  /**
   * Any BERT-style ONNX sentence encoder (inputs {@code input_ids}, {@code attention_mask} and
   * optionally {@code token_type_ids}; first output the last hidden states {@code [batch, tokens,
   * dims]}), e.g. one exported with Hugging Face Optimum or tuned by {@code himoe tune}.
   *
   * @param onnx the ONNX graph (weights inside the file)
   * @param tokenizer the model's {@code tokenizer.json}
   * @param pooling how token vectors are pooled
   * @param prefix text put before every input (e.g. {@code "query: "} for e5), or empty
   * @param cacheSize how many recent texts to keep, {@code >= 0}
   * @return an encoder; the files are read on first use
   * @throws IllegalArgumentException if a file is missing or the cache size negative
   */
  public static SentenceEncoder fromFiles(
      Path onnx, Path tokenizer, Pooling pooling, String prefix, long cacheSize) {
    Path graph = onnx.toAbsolutePath().normalize();
    Path tok = tokenizer.toAbsolutePath().normalize();
    for (Path p : List.of(graph, tok)) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("onnx encoder: no such file " + p);
      }
    }
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(prefix, "prefix");
    String id =
        "onnx:"
            + graph
            + ",tokenizer="
            + tok
            + ",pooling="
            + pooling.label()
            + (prefix.isEmpty() ? "" : ",prefix=" + prefix.strip());
    String key = graph + "|" + tok + "|" + pooling;
    return new SentenceEncoder(
        id,
        prefix,
        () -> LOADED.computeIfAbsent(key, k -> OnnxModel.fromFiles(graph, tok, pooling)),
        cacheSize);
  }

  /**
   * @param size how many recent texts to keep, {@code >= 0} (0 disables the cache)
   * @return an encoder over the same (shared) model with its own cache of that size
   * @throws IllegalArgumentException if the size is negative
   */
  public SentenceEncoder withCacheSize(long size) {
    return new SentenceEncoder(id, prefix, model, size);
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * @return the vector dimension (loads the model if it is not loaded yet)
   */
  public int dimension() {
    return model.get().dimension();
  }

  /**
   * @return the number of texts currently cached (approximate, as Caffeine reports it)
   */
  public long cachedTexts() {
    return cache.estimatedSize();
  }

  /**
   * @return the cache hit count since this encoder was created
   */
  public long cacheHits() {
    return cache.stats().hitCount();
  }

  /**
   * Loads the model now rather than on the first request (one to a few seconds), so the first
   * request's deadline does not pay for it.
   *
   * @return this encoder
   */
  public SentenceEncoder warmUp() {
    model.get();
    return this;
  }

  @Override
  public Encoded encode(InputData input) {
    String text = textOf(input);
    float[] v = cacheSize == 0 ? null : cache.getIfPresent(text);
    if (v == null) {
      v = run(List.of(text)).getFirst();
      if (cacheSize > 0) {
        cache.put(text, v);
      }
    }
    return new Encoded(v);
  }

  /** Encodes, in batches, every text not already cached; duplicates are encoded once. */
  @Override
  public List<Encoded> encodeAll(List<? extends InputData> inputs) {
    List<String> texts = new ArrayList<>(inputs.size());
    for (InputData in : inputs) {
      texts.add(textOf(in));
    }
    Map<String, float[]> known = new HashMap<>();
    LinkedHashSet<String> missing = new LinkedHashSet<>();
    for (String t : texts) {
      if (known.containsKey(t) || missing.contains(t)) {
        continue;
      }
      float[] hit = cacheSize == 0 ? null : cache.getIfPresent(t);
      if (hit == null) {
        missing.add(t);
      } else {
        known.put(t, hit);
      }
    }
    if (!missing.isEmpty()) {
      List<String> todo = new ArrayList<>(missing);
      List<float[]> fresh = run(todo);
      for (int i = 0; i < todo.size(); i++) {
        known.put(todo.get(i), fresh.get(i));
        if (cacheSize > 0) {
          cache.put(todo.get(i), fresh.get(i));
        }
      }
    }
    List<Encoded> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(new Encoded(Objects.requireNonNull(known.get(t), "encoded above")));
    }
    return out;
  }

  private String textOf(InputData input) {
    return switch (input) {
      case InputData.Text t -> t.text();
      case InputData.Bytes b -> {
        String s = b.toText();
        if (s.isBlank()) {
          throw new MoeError.EncodeError(
              "encoder " + id + ": the bytes decode to blank text", null);
        }
        yield s;
      }
      // The last user turn and the earlier turns the gateway's configuration asks for.
      case InputData.Conversation c -> {
        String s = c.routingText();
        if (s.isBlank()) {
          throw new MoeError.EncodeError(
              "encoder " + id + ": the last user turn has no text", null);
        }
        yield s;
      }
      case InputData.Features f ->
          throw new MoeError.EncodeError(
              "encoder " + id + " reads text; got a feature vector of dimension " + f.dimension(),
              null);
    };
  }

  /** Texts per model call: {@value #BATCH}, or 1 for int8 graphs (see {@link OnnxModel}). */
  private int batchSize() {
    try {
      return model.get().batchable() ? BATCH : 1;
    } catch (RuntimeException e) {
      throw new MoeError.EncodeError("encoder " + id + ": " + e.getMessage(), e);
    }
  }

  /** Runs the model over texts (sorted by length into batches), on the pool; keeps their order. */
  private List<float[]> run(List<String> texts) {
    if (Thread.currentThread().isInterrupted()) {
      // Checked first: a model call that finishes before get() would otherwise hide the
      // interrupt (FutureTask.get returns a completed result without looking at it).
      throw new MoeError.Cancelled("encoder " + id);
    }
    Integer[] order = new Integer[texts.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
    int size = batchSize();
    List<Future<float[][]>> calls = new ArrayList<>();
    for (int from = 0; from < order.length; from += size) {
      List<String> batch = new ArrayList<>(size);
      for (int j = from; j < Math.min(order.length, from + size); j++) {
        batch.add(prefix + texts.get(order[j]));
      }
      calls.add(POOL.submit(() -> model.get().embed(batch)));
    }
    float[][] out = new float[texts.size()][];
    try {
      for (int c = 0; c < calls.size(); c++) {
        float[][] vs = calls.get(c).get();
        for (int j = 0; j < vs.length; j++) {
          out[order[c * size + j]] = vs[j];
        }
      }
    } catch (InterruptedException e) {
      // The native calls cannot be stopped half-way; the caller is released at once and the
      // results, when they come, are dropped.
      calls.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new MoeError.Cancelled("encoder " + id);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new MoeError.EncodeError("encoder " + id + ": " + cause.getMessage(), cause);
    }
    return java.util.Arrays.asList(out);
  }
}
