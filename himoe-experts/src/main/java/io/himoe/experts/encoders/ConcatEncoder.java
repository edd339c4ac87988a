package io.himoe.experts.encoders;

import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Several encoders side by side: each part's vector is scaled to unit length, the parts are
 * concatenated and the whole is scaled by {@code 1/sqrt(parts)}, so every part weighs the same and
 * the result has unit length. Sentence embeddings carry meaning and hashed n-grams carry the exact
 * words; a linear gate over both separates intents better than over either (docs/BENCHMARKS.md §3).
 */
public final class ConcatEncoder implements Encoder {

  /**
   * Joined vectors kept per text when a part runs a model ({@link SentenceEncoder}): a repeated
   * query then costs one lookup and one copy instead of re-hashing and re-joining (80 µs at p50 for
   * 16k hashed dimensions). 1,024 texts, i.e. about 18 MB beside a 4,096-dimension hashing part.
   */
  static final int CACHE_SIZE = 1024;

  private final List<Encoder> parts;
  private final com.github.benmanes.caffeine.cache.@Nullable Cache<String, float[]> cache;

  private ConcatEncoder(List<Encoder> parts, int cacheSize) {
    this.parts = parts;
    this.cache =
        cacheSize > 0 && parts.stream().anyMatch(p -> p instanceof SentenceEncoder)
            ? com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .build()
            : null;
  }

  /**
   * @param parts the encoders, at least two, in the order their vectors are laid out
   * @return the concatenation
   * @throws IllegalArgumentException with fewer than two parts
   */
  public static ConcatEncoder of(List<Encoder> parts) {
    List<Encoder> copy = List.copyOf(parts);
    if (copy.size() < 2) {
      throw new IllegalArgumentException(
          "encoder: a concatenation needs at least two parts, got " + copy.size());
    }
    return new ConcatEncoder(copy, CACHE_SIZE);
  }

  /**
   * @param size joined vectors to keep, &gt;= 0 (0: none, every call encodes and joins; for
   *     benchmarks)
   * @return the same parts with a cache of that size
   */
  public ConcatEncoder withCacheSize(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("cache size must be >= 0, got " + size);
    }
    return new ConcatEncoder(parts, size);
  }

  /**
   * @return the joined vectors cached (0 when no part runs a model, so nothing is cached)
   */
  public long cachedTexts() {
    return cache == null ? 0 : cache.estimatedSize();
  }

  /**
   * @return the parts, in order
   */
  public List<Encoder> parts() {
    return parts;
  }

  @Override
  public Encoded encode(InputData input) {
    Objects.requireNonNull(input, "input");
    var cache = this.cache;
    String key = cache != null && input instanceof InputData.Text t ? t.text() : null;
    if (cache != null && key != null) {
      float[] hit = cache.getIfPresent(key);
      if (hit != null) {
        return new Encoded(hit);
      }
    }
    List<float[]> vectors = new ArrayList<>(parts.size());
    for (Encoder e : parts) {
      vectors.add(e.encode(input).vector());
    }
    Encoded joined = join(vectors);
    if (cache != null && key != null) {
      cache.put(key, joined.vector());
    }
    return joined;
  }

  @Override
  public List<Encoded> encodeAll(List<? extends InputData> inputs) {
    // Each part encodes the whole batch (MiniLM batches are much cheaper than single calls).
    List<List<Encoded>> byPart = new ArrayList<>(parts.size());
    for (Encoder e : parts) {
      byPart.add(e.encodeAll(inputs));
    }
    List<Encoded> out = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      List<float[]> vectors = new ArrayList<>(parts.size());
      for (List<Encoded> p : byPart) {
        vectors.add(p.get(i).vector());
      }
      out.add(join(vectors));
    }
    return out;
  }

  private Encoded join(List<float[]> vectors) {
    int dim = 0;
    for (float[] v : vectors) {
      dim += v.length;
    }
    float[] out = new float[dim];
    double share = 1.0 / Math.sqrt(vectors.size());
    int at = 0;
    for (float[] v : vectors) {
      double norm = 0;
      for (float x : v) {
        norm += (double) x * x;
      }
      // An all-zero part (e.g. a text with no hashed feature) stays zero.
      double scale = norm > 0 ? share / Math.sqrt(norm) : 0;
      for (float x : v) {
        out[at++] = (float) (x * scale);
      }
    }
    return new Encoded(out);
  }

  /**
   * @return the parts' ids joined by {@code +}, which {@link Encoders#byName} parses back
   */
  @Override
  public String id() {
    StringBuilder b = new StringBuilder();
    for (Encoder e : parts) {
      if (!b.isEmpty()) {
        b.append('+');
      }
      b.append(e.id());
    }
    return b.toString();
  }
}
