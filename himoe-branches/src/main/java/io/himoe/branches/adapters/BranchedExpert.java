package io.himoe.branches.adapters;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.learning.BranchEvent;
import io.himoe.branches.learning.ContinualLearner;
import io.himoe.branches.model.GateMode;
import io.himoe.branches.model.Prediction;
import io.himoe.experts.ExpertFeedback;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.LearningExpert;
import io.himoe.shared.Context;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A branched classifier as a core {@link Expert}: it encodes the input, runs the branched network
 * through its gate, and answers the most probable label with its probability as confidence. It
 * keeps learning: {@link #learn(String, List, List)} adds a task through the continual learner
 * without forgetting earlier ones, and labelled feedback ({@link #learn(ExpertFeedback)}: the
 * caller states the right label) is buffered and learned as one task every {@code batch} examples.
 * Thread-safe (the network serialises calls).
 */
public final class BranchedExpert implements LearningExpert {

  /** Labelled feedback examples buffered before they are learned as one task, by default. */
  public static final int DEFAULT_BATCH = 32;

  private final String name;
  private final ContinualLearner learner;
  private final Encoder encoder;
  private final List<String> labels;
  private final GateMode mode;
  private final int batch;
  private final List<InputData> pendingInputs = new ArrayList<>();
  private final List<String> pendingLabels = new ArrayList<>();
  private int feedbackTasks;

  private BranchedExpert(
      String name,
      ContinualLearner learner,
      Encoder encoder,
      List<String> labels,
      GateMode mode,
      int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("feedback batch must be >= 1, got " + batch);
    }
    this.batch = batch;
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
    return new BranchedExpert(name, learner, encoder, labels, mode, DEFAULT_BATCH);
  }

  /**
   * @param name the expert's name
   * @param learner the continual learner (and its network)
   * @param encoder turns inputs into the network's features
   * @param labels class names, one per network output
   * @param mode gate mode used to answer
   * @param batch labelled feedback examples learned together as one task, &gt;= 1
   * @return the expert
   */
  public static BranchedExpert of(
      String name,
      ContinualLearner learner,
      Encoder encoder,
      List<String> labels,
      GateMode mode,
      int batch) {
    return new BranchedExpert(name, learner, encoder, labels, mode, batch);
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
   * Buffers labelled feedback: when the caller states the right answer ({@link
   * ExpertFeedback#expected()}) and it is one of this expert's labels, the input and that label are
   * kept; every {@code batch} of them is learned as one task ({@code <name>-feedback-<n>}) on the
   * feedback's thread. Feedback without a label, or with a label this expert does not know, is
   * ignored.
   */
  @Override
  public void learn(ExpertFeedback feedback) {
    List<InputData> inputs;
    List<String> answers;
    synchronized (this) {
      String label = feedback.expected().orElse(null);
      if (label == null || !labels.contains(label)) {
        return;
      }
      pendingInputs.add(feedback.input());
      pendingLabels.add(label);
      if (pendingInputs.size() < batch) {
        return;
      }
      inputs = List.copyOf(pendingInputs);
      answers = List.copyOf(pendingLabels);
      pendingInputs.clear();
      pendingLabels.clear();
      feedbackTasks++;
    }
    learn(name + "-feedback-" + feedbackTasks, inputs, answers);
  }

  /**
   * Learns the labelled feedback buffered so far now, as one task.
   *
   * @return the learner's decision, or null when nothing was buffered
   */
  public BranchEvent flush() {
    List<InputData> inputs;
    List<String> answers;
    synchronized (this) {
      if (pendingInputs.isEmpty()) {
        return null;
      }
      inputs = List.copyOf(pendingInputs);
      answers = List.copyOf(pendingLabels);
      pendingInputs.clear();
      pendingLabels.clear();
      feedbackTasks++;
    }
    return learn(name + "-feedback-" + feedbackTasks, inputs, answers);
  }

  /**
   * @return labelled feedback examples waiting to be learned
   */
  public synchronized int pending() {
    return pendingInputs.size();
  }

  /**
   * @return the learner behind this expert
   */
  public ContinualLearner learner() {
    return learner;
  }
}
