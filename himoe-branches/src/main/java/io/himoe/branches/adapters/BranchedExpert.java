package io.himoe.branches.adapters;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.learning.BranchEvent;
import io.himoe.branches.learning.ContinualLearner;
import io.himoe.branches.model.GateMode;
import io.himoe.branches.model.Prediction;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.util.List;
import java.util.Objects;

/**
 * A branched classifier as a core {@link Expert}: it encodes the input, runs the branched network
 * through its gate, and answers the most probable label with its probability as confidence. It
 * keeps learning: {@link #learn} adds a task through the continual learner without forgetting
 * earlier ones. Thread-safe (the network serialises calls).
 */
public final class BranchedExpert implements Expert {

  private final String name;
  private final ContinualLearner learner;
  private final Encoder encoder;
  private final List<String> labels;
  private final GateMode mode;

  private BranchedExpert(
      String name, ContinualLearner learner, Encoder encoder, List<String> labels, GateMode mode) {
    this.name = Objects.requireNonNull(name, "name");
    this.learner = Objects.requireNonNull(learner, "learner");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.labels = List.copyOf(labels);
    this.mode = Objects.requireNonNull(mode, "mode");
    int classes = learner.network().config().classes();
    if (this.labels.size() != classes) {
      throw new IllegalArgumentException(
          "expert '"
              + name
              + "' has "
              + this.labels.size()
              + " labels but the network has "
              + classes
              + " classes");
    }
  }

  /**
   * @param name the expert's name
   * @param learner the continual learner (and its network)
   * @param encoder turns inputs into the network's features
   * @param labels class names, one per network output
   * @param mode gate mode used to answer
   * @return the expert
   */
  public static BranchedExpert of(
      String name, ContinualLearner learner, Encoder encoder, List<String> labels, GateMode mode) {
    return new BranchedExpert(name, learner, encoder, labels, mode);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Answers {@code Value.text(label)}; confidence is the label's probability; cost is the number of
   * branch forward passes computed (1 with top-1, p with parallel + verifier).
   */
  @Override
  public ExpertOut infer(InputData input, Context ctx) {
    float[] x = encoder.encode(input).vector();
    if (x.length != learner.network().config().inputs()) {
      throw new MoeError.InvalidInput(
          "expert '"
              + name
              + "': encoder gives "
              + x.length
              + " features, the network expects "
              + learner.network().config().inputs());
    }
    Prediction p = learner.network().predict(new float[][] {x}, mode);
    int label = p.label(0);
    double confidence = Math.min(1, Math.max(0, p.probabilities()[0][label]));
    return ExpertOut.of(Value.text(labels.get(label)), p.branchEvaluations(), confidence);
  }

  /**
   * Learns a new task (or more of an old one) without forgetting: the learner fine-tunes a branch
   * or spawns one, as the gradient conflict decides.
   *
   * @param task the task's name
   * @param inputs examples
   * @param answers their labels (names from this expert's label list)
   * @return the learner's decision
   * @throws IllegalArgumentException for an unknown label or mismatched lists
   */
  public BranchEvent learn(String task, List<InputData> inputs, List<String> answers) {
    if (inputs.size() != answers.size()) {
      throw new IllegalArgumentException(
          inputs.size() + " inputs but " + answers.size() + " answers");
    }
    float[][] x = new float[inputs.size()][];
    int[] y = new int[inputs.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = encoder.encode(inputs.get(i)).vector();
      y[i] = labels.indexOf(answers.get(i));
      if (y[i] < 0) {
        throw new IllegalArgumentException(
            "answer " + i + " '" + answers.get(i) + "' is not one of " + labels);
      }
    }
    return learner.learn(task, new Dataset(x, y));
  }

  /**
   * @return the learner behind this expert
   */
  public ContinualLearner learner() {
    return learner;
  }
}
