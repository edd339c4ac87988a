package io.himoe.tune;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.himoe.tune.bert.BertEncoder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The hidden states entering the first trained layer, computed once per text: when only the top
 * layers train, everything below them (embeddings and frozen layers) gives the same output at every
 * step, so a step runs just the trained layers forward and back. Kept unpadded, on the Java heap
 * ({@code tokens × hidden} floats per text: ~20 KB for a 13-token query at 384 dimensions).
 */
final class FrozenStates {

  private final BertEncoder encoder;
  private final HuggingFaceTokenizer tokenizer;
  private final int upTo;
  private final int hidden;
  private final Map<String, float[]> states = new HashMap<>();

  /**
   * @param encoder the encoder
   * @param tokenizer its tokenizer
   * @param upTo the first trained layer: the states leave layer {@code upTo - 1}
   */
  FrozenStates(BertEncoder encoder, HuggingFaceTokenizer tokenizer, int upTo) {
    this.encoder = encoder;
    this.tokenizer = tokenizer;
    this.upTo = upTo;
    this.hidden = encoder.layout().hidden();
  }

  /**
   * @return the first trained layer
   */
  int upTo() {
    return upTo;
  }

  /**
   * Computes the states of the texts not computed yet, in batches of similar lengths.
   *
   * @param texts texts (prefix applied)
   * @param manager where the arrays live while computed
   * @param log progress
   * @param nanos a nanosecond clock
   */
  void add(List<String> texts, NDManager manager, PrintStream log, LongSupplier nanos) {
    List<String> todo =
        new ArrayList<>(texts.stream().distinct().filter(t -> !states.containsKey(t)).toList());
    todo.sort(Comparator.comparingInt(String::length));
    long t0 = nanos.getAsLong();
    for (int from = 0; from < todo.size(); from += 64) {
      List<String> part = todo.subList(from, Math.min(todo.size(), from + 64));
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        TokenBatch tb = TokenBatch.of(tokenizer, part);
        NDArray mask = TokenBatch.array(manager, tb.mask());
        NDArray x =
            encoder.layers(
                encoder.embed(
                    TokenBatch.array(manager, tb.ids()), TokenBatch.array(manager, tb.types())),
                mask,
                0,
                upTo);
        float[] flat = x.toFloatArray();
        int len = tb.length();
        for (int i = 0; i < part.size(); i++) {
          int tokens = 0;
          while (tokens < len && tb.mask()[i][tokens] == 1) {
            tokens++;
          }
          float[] s = new float[tokens * hidden];
          System.arraycopy(flat, i * len * hidden, s, 0, s.length);
          states.put(part.get(i), s);
        }
      }
      int done = Math.min(todo.size(), from + 64);
      if (done % 2048 < 64 || done == todo.size()) {
        log.printf(
            Locale.ROOT,
            "tune: frozen layers 0-%d computed for %d/%d texts, %.0f s%n",
            upTo - 1,
            done,
            todo.size(),
            (nanos.getAsLong() - t0) / 1e9);
      }
    }
  }

  /**
   * @param texts texts
   * @return whether all of them have states
   */
  boolean hasAll(List<String> texts) {
    return texts.stream().allMatch(states::containsKey);
  }

  /**
   * A padded batch of states and its mask. Padding positions hold zeros: the mask keeps them out of
   * every real token's attention, and pooling ignores them.
   *
   * @param texts texts with states
   * @param manager where the arrays go
   * @return {@code [states [batch, tokens, hidden], mask [batch, tokens]]}
   */
  NDArray[] batch(List<String> texts, NDManager manager) {
    int len = 1;
    for (String t : texts) {
      len = Math.max(len, stateOf(t).length / hidden);
    }
    float[] x = new float[texts.size() * len * hidden];
    long[] mask = new long[texts.size() * len];
    for (int i = 0; i < texts.size(); i++) {
      float[] s = stateOf(texts.get(i));
      System.arraycopy(s, 0, x, i * len * hidden, s.length);
      java.util.Arrays.fill(mask, i * len, i * len + s.length / hidden, 1L);
    }
    return new NDArray[] {
      manager.create(x, new Shape(texts.size(), len, hidden)),
      manager.create(mask, new Shape(texts.size(), len))
    };
  }

  /** A text's states; callers ask only for texts {@link #hasAll} vouched for. */
  private float[] stateOf(String text) {
    return Objects.requireNonNull(states.get(text), "no frozen states for a text");
  }
}
