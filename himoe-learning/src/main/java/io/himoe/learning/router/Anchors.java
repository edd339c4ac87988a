package io.himoe.learning.router;

import io.himoe.learning.fit.LabelledText;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Inputs a neural router keeps so that a new output can be warm-started without taking over the
 * others' traffic: the examples it was fitted on (at most {@value #MAX_FIXED}, with their expert)
 * and the last {@value #RECENT} feedback inputs (with the expert named as right, or none: then the
 * gate's own choice is the target). Vectors of the fixed examples are encoded on first use.
 * Thread-safe.
 */
final class Anchors {

  static final int MAX_FIXED = 512;
  static final int RECENT = 128;

  /**
   * @param vectors encoded inputs
   * @param experts per input, the expert that should answer it, or null for the gate's own choice
   */
  record Sample(List<float[]> vectors, List<@Nullable String> experts) {}

  private final List<LabelledText> fixed;
  private @Nullable List<float[]> fixedVectors; // encoded on first use
  private final float[] @Nullable [] recent = new float[RECENT][];
  private final @Nullable String[] recentExperts = new String[RECENT];
  private int head;

  Anchors(List<LabelledText> examples) {
    if (examples.size() <= MAX_FIXED) {
      this.fixed = List.copyOf(examples);
    } else {
      List<LabelledText> spread = new ArrayList<>(MAX_FIXED);
      for (int i = 0; i < MAX_FIXED; i++) {
        spread.add(examples.get((int) ((long) i * examples.size() / MAX_FIXED)));
      }
      this.fixed = List.copyOf(spread);
    }
  }

  synchronized void remember(float[] x, @Nullable String expertOrNull) {
    recent[head] = x;
    recentExperts[head] = expertOrNull;
    head = (head + 1) % RECENT;
  }

  synchronized Sample sample(Encoder encoder) {
    List<float[]> encoded = fixedVectors;
    if (encoded == null) {
      encoded = new ArrayList<>(fixed.size());
      for (LabelledText t : fixed) {
        encoded.add(encoder.encode(InputData.text(t.text())).vector());
      }
      fixedVectors = encoded;
    }
    List<float[]> xs = new ArrayList<>(encoded);
    List<@Nullable String> experts =
        new ArrayList<>(fixed.stream().map(LabelledText::label).toList());
    for (int i = 0; i < RECENT; i++) {
      float[] x = recent[i];
      if (x != null) {
        xs.add(x);
        experts.add(recentExperts[i]);
      }
    }
    return new Sample(xs, experts);
  }
}
