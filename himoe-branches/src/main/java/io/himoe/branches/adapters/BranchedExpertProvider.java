package io.himoe.branches.adapters;

import io.himoe.branches.learning.ContinualLearner;
import io.himoe.branches.model.GateMode;
import io.himoe.branches.vision.DigitImageEncoder;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertProvider;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code branched} expert kind: a continual learner saved by {@code cl run --save FILE} (or
 * {@link ContinualLearner#save}) served as a {@link BranchedExpert}. Found by the server through
 * {@link ExpertProvider} when {@code himoe-branches} is on its class path ({@code ./himoe serve
 * --with branches}).
 *
 * <p>Options: {@code learner} (the file, required); {@code labels} (comma-separated class names,
 * one per network output; default {@code 0,1,…}); {@code input} ({@code image}: PNG/JPEG/GIF/BMP
 * bytes prepared like MNIST, the default for a 784-input network; {@code features}: numeric
 * features as they are); {@code gate} ({@code top1}, {@code top2} or {@code soft}; default {@code
 * top1}); {@code answer} ({@code probabilities}: JSON with the label, its confidence and every
 * class's probability, the default; {@code label}: the label's text); {@code feedback_batch}
 * (labelled feedback examples learned together as one task, default 32); {@code save} (where the
 * learner is saved after each learned task: by default the {@code learner} file itself, {@code
 * none} to keep what feedback teaches in memory only).
 */
public final class BranchedExpertProvider implements ExpertProvider {

  /** The kind's name in a configuration. */
  public static final String KIND = "branched";

  private static final Set<String> OPTIONS =
      Set.of("learner", "labels", "input", "gate", "answer", "feedback_batch", "save");

  /** For {@link java.util.ServiceLoader}. */
  public BranchedExpertProvider() {}

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Expert create(String name, Map<String, String> options) {
    for (String k : options.keySet()) {
      if (!OPTIONS.contains(k)) {
        throw new IllegalArgumentException(
            "options." + k + ": unknown option of kind 'branched' (expected " + OPTIONS + ")");
      }
    }
    String file = options.get("learner");
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException(
          "options.learner: required, the file saved by 'cl run --save FILE'");
    }
    ContinualLearner learner;
    try {
      learner = ContinualLearner.load(Path.of(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("options.learner: " + e.getMessage(), e);
    }
    try {
      int inputs = learner.network().config().inputs();
      int classes = learner.network().config().classes();
      List<String> labels = labels(options.get("labels"), classes);
      Encoder encoder = encoder(options.getOrDefault("input", defaultInput(inputs)), inputs);
      GateMode mode = gate(options.getOrDefault("gate", "top1"));
      String answer = options.getOrDefault("answer", "probabilities");
      if (!answer.equals("probabilities") && !answer.equals("label")) {
        throw new IllegalArgumentException(
            "options.answer: '" + answer + "', expected probabilities or label");
      }
      String save = options.getOrDefault("save", file);
      return BranchedExpert.builder(name, learner, encoder, labels)
          .mode(mode)
          .feedbackBatch(batch(options.get("feedback_batch")))
          .answerProbabilities(answer.equals("probabilities"))
          .saveTo(save.equals("none") ? null : Path.of(save))
          .build();
    } catch (RuntimeException e) {
      learner.network().close();
      throw e;
    }
  }

  private static int batch(@Nullable String v) { // null: not configured
    if (v == null) {
      return BranchedExpert.DEFAULT_BATCH;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "options.feedback_batch: '" + v + "', expected a whole number >= 1");
  }

  private static String defaultInput(int inputs) {
    return inputs == DigitImageEncoder.SIDE * DigitImageEncoder.SIDE ? "image" : "features";
  }

  private static List<String> labels(@Nullable String configured, int classes) {
    if (configured == null) {
      List<String> out = new ArrayList<>();
      for (int c = 0; c < classes; c++) {
        out.add(Integer.toString(c));
      }
      return out;
    }
    List<String> out = Arrays.stream(configured.split(",")).map(String::strip).toList();
    if (out.size() != classes || out.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException(
          "options.labels: "
              + out.size()
              + " labels given, the learner's network has "
              + classes
              + " outputs (one non-empty name each, comma-separated)");
    }
    if (Set.copyOf(out).size() != out.size()) {
      throw new IllegalArgumentException("options.labels: names repeat in '" + configured + "'");
    }
    return out;
  }

  private static Encoder encoder(String input, int inputs) {
    return switch (input) {
      case "image" -> {
        if (inputs != DigitImageEncoder.SIDE * DigitImageEncoder.SIDE) {
          throw new IllegalArgumentException(
              "options.input: 'image' needs a 784-input (28x28) network, this one reads " + inputs);
        }
        yield DigitImageEncoder.mnist();
      }
      case "features" -> features(inputs);
      default ->
          throw new IllegalArgumentException(
              "options.input: '" + input + "', expected image or features");
    };
  }

  private static Encoder features(int inputs) {
    return in -> {
      if (in instanceof InputData.Features f && f.values().length == inputs) {
        return new Encoded(f.values());
      }
      throw new MoeError.EncodeError(
          "expected " + inputs + " numeric features, got " + describe(in), null);
    };
  }

  private static String describe(InputData in) {
    return in instanceof InputData.Features f
        ? f.values().length + " features"
        : in.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  private static GateMode gate(String g) {
    return switch (g) {
      case "top1" -> GateMode.topK(1);
      case "top2" -> GateMode.topK(2);
      case "soft" -> GateMode.soft();
      default ->
          throw new IllegalArgumentException(
              "options.gate: '" + g + "', expected top1, top2 or soft");
    };
  }
}
