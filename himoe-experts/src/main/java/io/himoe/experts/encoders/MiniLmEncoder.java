package io.himoe.experts.encoders;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An in-process sentence encoder: all-MiniLM-L6-v2, quantised, run by ONNX Runtime through
 * LangChain4j's in-process embedding artifact. The model (23 MB) ships inside a Maven jar, so
 * nothing is downloaded at run time. Vectors have {@value #DIMENSION} dimensions and unit L2 norm.
 *
 * <p>A bounded Caffeine cache keeps the vectors of recently seen texts, so a repeated query costs a
 * hash lookup and a 1.5 KB copy instead of a model call. {@link #encodeAll} sends every text
 * missing from the cache to the model in one batch. The model is loaded once per JVM, on first use,
 * and shared by every instance; instances are thread-safe.
 */
public final class MiniLmEncoder implements Encoder {

  /** The vector dimension of all-MiniLM-L6-v2. */
  public static final int DIMENSION = 384;

  /** The cache size {@link #ofDefaults()} uses, in entries (about 1.6 KB each). */
  public static final int DEFAULT_CACHE_SIZE = 4096;

  /** Platform threads that run the model: at most 2, fewer on a single core. */
  static final int POOL_THREADS = Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 2);

  private final Cache<String, float[]> cache;
  private final long cacheSize;

  private MiniLmEncoder(long cacheSize) {
    this.cacheSize = cacheSize;
    this.cache = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build();
  }

  /**
   * @param cacheSize how many recent texts to keep, {@code >= 0} (0 disables the cache)
   * @return an encoder
   * @throws IllegalArgumentException if the cache size is negative
   */
  public static MiniLmEncoder of(long cacheSize) {
    if (cacheSize < 0) {
      throw new IllegalArgumentException(
          "minilm encoder: cacheSize must be >= 0, got " + cacheSize);
    }
    return new MiniLmEncoder(cacheSize);
  }

  /**
   * @return an encoder with a cache of {@value #DEFAULT_CACHE_SIZE} texts
   */
  public static MiniLmEncoder ofDefaults() {
    return new MiniLmEncoder(DEFAULT_CACHE_SIZE);
  }

  @Override
  public String id() {
    return "minilm-l6-v2-q";
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

  @Override
  public Encoded encode(InputData input) {
    String text = textOf(input);
    float[] v = cacheSize == 0 ? null : cache.getIfPresent(text);
    if (v == null) {
      v = embed(List.of(text)).getFirst();
      if (cacheSize > 0) {
        cache.put(text, v);
      }
    }
    return new Encoded(v);
  }

  /** Encodes in one model batch every text not already cached; duplicates are encoded once. */
  @Override
  public List<Encoded> encodeAll(List<? extends InputData> inputs) {
    List<String> texts = new ArrayList<>(inputs.size());
    for (InputData in : inputs) {
      texts.add(textOf(in));
    }
    Map<String, float[]> known = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String t : texts) {
      if (known.containsKey(t)) {
        continue;
      }
      float[] hit = cacheSize == 0 ? null : cache.getIfPresent(t);
      known.put(t, hit);
      if (hit == null) {
        missing.add(t);
      }
    }
    if (!missing.isEmpty()) {
      List<float[]> fresh = embed(missing);
      for (int i = 0; i < missing.size(); i++) {
        known.put(missing.get(i), fresh.get(i));
        if (cacheSize > 0) {
          cache.put(missing.get(i), fresh.get(i));
        }
      }
    }
    List<Encoded> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(new Encoded(known.get(t)));
    }
    return out;
  }

  private static String textOf(InputData input) {
    return switch (input) {
      case InputData.Text t -> t.text();
      case InputData.Bytes b -> {
        String s = b.toText();
        if (s.isBlank()) {
          throw new MoeError.EncodeError("minilm encoder: the bytes decode to blank text", null);
        }
        yield s;
      }
      case InputData.Features f ->
          throw new MoeError.EncodeError(
              "minilm encoder reads text; got a feature vector of dimension " + f.dimension(),
              null);
    };
  }

  private static List<float[]> embed(List<String> texts) {
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String t : texts) {
      segments.add(TextSegment.from(t));
    }
    if (Thread.currentThread().isInterrupted()) {
      // Checked first: a model call that finishes before get() would otherwise hide the
      // interrupt (FutureTask.get returns a completed result without looking at it).
      throw new MoeError.Cancelled("minilm encoder");
    }
    List<Embedding> embeddings;
    Future<List<Embedding>> call =
        Model.POOL.submit(() -> Model.INSTANCE.embedAll(segments).content());
    try {
      embeddings = call.get();
    } catch (InterruptedException e) {
      // The native call cannot be stopped half-way; the caller is released at once and the
      // result, when it comes, is dropped.
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new MoeError.Cancelled("minilm encoder");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new MoeError.EncodeError(
          "minilm encoder: the model failed: " + cause.getMessage(), cause);
    }
    List<float[]> out = new ArrayList<>(embeddings.size());
    for (Embedding e : embeddings) {
      out.add(unit(e.vector()));
    }
    return out;
  }

  /** The model already normalises; doing it again costs little and guarantees cosine = dot. */
  private static float[] unit(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    if (s > 0) {
      float inv = (float) (1 / Math.sqrt(s));
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
    return v;
  }

  /**
   * Loads the model and its thread pool once per JVM, on first use (class initialisation is lazy
   * and thread-safe).
   */
  private static final class Model {
    // Each batch runs on the pool thread that took it; ONNX Runtime parallelises inside one call.
    static final EmbeddingModel INSTANCE = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);

    // A native call pins the virtual thread that makes it to its carrier; on a bounded pool of
    // platform threads the callers (virtual threads) just wait and free their carriers.
    static final ExecutorService POOL =
        Executors.newFixedThreadPool(
            POOL_THREADS, Thread.ofPlatform().daemon().name("himoe-minilm-", 0).factory());
  }

  /**
   * Loads the model now rather than on the first request (about a second), so the first request's
   * deadline does not pay for it.
   *
   * @return this encoder
   */
  public MiniLmEncoder warmUp() {
    embed(List.of("warm up"));
    return this;
  }
}
