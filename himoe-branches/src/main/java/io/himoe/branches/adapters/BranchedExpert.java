package io.himoe.branches.adapters;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A branched classifier as a core {@link io.himoe.experts.Expert}: it encodes the input, runs the
 * branched network through its gate, and answers the most probable label (or, with {@link
 * Builder#answerProbabilities}, a JSON object with the label and every class's probability) with
 * its probability as confidence. It keeps learning: {@link #learn(String, List, List)} adds a task
 * through the continual learner without forgetting earlier ones, and labelled feedback ({@link
 * #learn(ExpertFeedback)}: the caller states the right label) is buffered and learned as one task
 * every {@code batch} examples; with {@link Builder#saveTo} the learner is saved (atomically) after
 * each learned task, so what feedback taught survives a restart. Thread-safe (the network
 * serialises calls).
 */
public final class BranchedExpert implements LearningExpert {

  /** Labelled feedback examples buffered before they are learned as one task, by default. */
  public static final int DEFAULT_BATCH = 32;

  private static final Logger LOG = LoggerFactory.getLogger(BranchedExpert.class);

  private final String name;
  private final ContinualLearner learner;
  private final Encoder encoder;
  private final List<String> labels;
  private final GateMode mode;
  private final int batch;
  private final boolean probabilities;
  private final @Nullable Path saveTo; // null: never saved
  private final List<float[]> pendingInputs = new ArrayList<>();
  private final List<Integer> pendingLabels = new ArrayList<>();
  private int feedbackTasks;

  private BranchedExpert(Builder b) {
    if (b.batch < 1) {
      throw new IllegalArgumentException("feedback batch must be >= 1, got " + b.batch);
    }
    this.batch = b.batch;
    this.name = Objects.requireNonNull(b.name, "name");
    this.learner = Objects.requireNonNull(b.learner, "learner");
    this.encoder = Objects.requireNonNull(b.encoder, "encoder");
    this.labels = List.copyOf(b.labels);
    this.mode = Objects.requireNonNull(b.mode, "mode");
    this.probabilities = b.probabilities;
    this.saveTo = b.saveTo;
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
   * @return the expert (label answers, feedback batch {@value #DEFAULT_BATCH}, not saved)
   */
  public static BranchedExpert of(
      String name, ContinualLearner learner, Encoder encoder, List<String> labels, GateMode mode) {
    return builder(name, learner, encoder, labels).mode(mode).build();
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
    return builder(name, learner, encoder, labels).mode(mode).feedbackBatch(batch).build();
  }

  /**
   * @param name the expert's name
   * @param learner the continual learner (and its network)
   * @param encoder turns inputs into the network's features
   * @param labels class names, one per network output
   * @return a builder (top-1 gate, label answers, feedback batch {@value #DEFAULT_BATCH}, not
   *     saved)
   */
  public static Builder builder(
      String name, ContinualLearner learner, Encoder encoder, List<String> labels) {
    return new Builder(name, learner, encoder, labels);
  }

  /** Options of a {@link BranchedExpert}. */
  public static final class Builder {
    private final String name;
    private final ContinualLearner learner;
    private final Encoder encoder;
    private final List<String> labels;
    private GateMode mode = GateMode.topK(1);
    private int batch = DEFAULT_BATCH;
    private boolean probabilities;
    private @Nullable Path saveTo;

    private Builder(String name, ContinualLearner learner, Encoder encoder, List<String> labels) {
      this.name = name;
      this.learner = learner;
      this.encoder = encoder;
      this.labels = labels;
    }

    /**
     * @param m gate mode used to answer
     * @return this
     */
    public Builder mode(GateMode m) {
      this.mode = m;
      return this;
    }

    /**
     * @param n labelled feedback examples learned together as one task, &gt;= 1
     * @return this
     */
    public Builder feedbackBatch(int n) {
      this.batch = n;
      return this;
    }

    /**
     * @param on answer {@code {"label", "confidence", "probabilities": {label: p}}} as JSON instead
     *     of the label's text
     * @return this
     */
    public Builder answerProbabilities(boolean on) {
      this.probabilities = on;
      return this;
    }

    /**
     * @param file where the learner is saved after each learned task (null: never)
     * @return this
     */
    public Builder saveTo(@Nullable Path file) {
      this.saveTo = file;
      return this;
    }

    /**
     * @return the expert
     * @throws IllegalArgumentException when the labels do not match the network's outputs
     */
    public BranchedExpert build() {
      return new BranchedExpert(this);
    }
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Answers the label (or the label and every class's probability, as JSON); confidence is the
   * label's probability; cost is the number of branch forward passes computed (1 with top-1, p with
   * parallel + verifier).
   */
  @Override
  public ExpertOut infer(InputData input, Context ctx) {
    float[] x = features(input);
    Prediction p = learner.network().predict(new float[][] {x}, mode);
    int label = p.label(0);
    float[] probs = p.probabilities()[0];
    double confidence = Math.min(1, Math.max(0, probs[label]));
    Value answer = probabilities ? json(label, confidence, probs) : Value.text(labels.get(label));
    return ExpertOut.of(answer, p.branchEvaluations(), confidence);
  }

  private Value json(int label, double confidence, float[] probs) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("label", labels.get(label));
    o.put("confidence", round(confidence));
    ObjectNode each = o.putObject("probabilities");
    for (int c = 0; c < labels.size(); c++) {
      each.put(labels.get(c), round(probs[c]));
    }
    return Value.json(Value.CURRENT_SCHEMA, o);
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  private float[] features(InputData input) {
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
    return x;
  }

  /**
   * Learns a new task (or more of an old one) without forgetting: the learner fine-tunes a branch
   * or spawns one, as the gradient conflict decides. Saves the learner afterwards when a save file
   * is set.
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
      x[i] = features(inputs.get(i));
      y[i] = labels.indexOf(answers.get(i));
      if (y[i] < 0) {
        throw new IllegalArgumentException(
            "answer " + i + " '" + answers.get(i) + "' is not one of " + labels);
      }
    }
    return learnEncoded(task, x, y);
  }

  private BranchEvent learnEncoded(String task, float[][] x, int[] y) {
    BranchEvent e = learner.learn(task, new Dataset(x, y));
    Path file = saveTo;
    if (file != null) {
      try {
        learner.save(file);
      } catch (IOException ex) {
        // the expert keeps serving what it learnt; the next learned task tries again
        LOG.warn("expert '{}': learned '{}' but could not save to {}: {}", name, task, file, ex);
      }
    }
    return e;
  }

  /**
   * Buffers labelled feedback: when the caller states the right answer ({@link
   * ExpertFeedback#expected()}) and it is one of this expert's labels, the encoded input and that
   * label are kept; every {@code batch} of them is learned as one task ({@code
   * <name>-feedback-<n>}) on the feedback's thread. Feedback without a label, with a label this
   * expert does not know, or with an input it cannot encode is ignored (logged at DEBUG).
   */
  @Override
  public void learn(ExpertFeedback feedback) {
    int label = feedback.expected().map(labels::indexOf).orElse(-1);
    if (label < 0) {
      return;
    }
    float[] x;
    try {
      x = features(feedback.input());
    } catch (MoeError e) {
      LOG.debug(
          "expert '{}': feedback {} not learnable: {}", name, feedback.traceId(), e.getMessage());
      return;
    }
    float[][] xs;
    int[] ys;
    int task;
    synchronized (this) {
      pendingInputs.add(x);
      pendingLabels.add(label);
      if (pendingInputs.size() < batch) {
        return;
      }
      xs = pendingInputs.toArray(float[][]::new);
      ys = pendingLabels.stream().mapToInt(Integer::intValue).toArray();
      pendingInputs.clear();
      pendingLabels.clear();
      task = ++feedbackTasks;
    }
    learnEncoded(name + "-feedback-" + task, xs, ys);
  }

  /**
   * Learns the labelled feedback buffered so far now, as one task.
   *
   * @return the learner's decision, or null when nothing was buffered
   */
  public @Nullable BranchEvent flush() {
    float[][] xs;
    int[] ys;
    int task;
    synchronized (this) {
      if (pendingInputs.isEmpty()) {
        return null;
      }
      xs = pendingInputs.toArray(float[][]::new);
      ys = pendingLabels.stream().mapToInt(Integer::intValue).toArray();
      pendingInputs.clear();
      pendingLabels.clear();
      task = ++feedbackTasks;
    }
    return learnEncoded(name + "-feedback-" + task, xs, ys);
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
