package io.himoe.branches.adapters;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.learning.BranchEvent;
import io.himoe.branches.learning.ContinualLearner;
import io.himoe.branches.model.GateMode;
import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.RouterInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A router whose gate is a branched network: output class i scores the i-th registered expert.
 * Labelled feedback ({@link RouterFeedback#target()}) is buffered and, every {@code batch}
 * examples, learned as a new task by the continual learner, so the router learns new routes without
 * forgetting old ones. Set an encoder in the config (or feed {@link InputData.Features}).
 */
public final class BranchedRouter implements Router {

  private final String id;
  private final ExpertRegistry experts;
  private final RouterConfig config;
  private final ContinualLearner learner;
  private final GateMode mode;
  private final int batch;
  private final List<float[]> pendingX = new ArrayList<>();
  private final List<Integer> pendingY = new ArrayList<>();
  private int learnedBatches;

  /**
   * @param id the router's id
   * @param experts the experts, one per network output, in output order
   * @param config top-k, policy, aggregator, encoder
   * @param learner the continual learner over the gate network
   * @param mode gate mode of the branched network
   * @param batch labelled feedbacks per learned task, at least 1
   */
  public BranchedRouter(
      String id,
      ExpertRegistry experts,
      RouterConfig config,
      ContinualLearner learner,
      GateMode mode,
      int batch) {
    this.id = Objects.requireNonNull(id, "id");
    this.experts = Objects.requireNonNull(experts, "experts");
    this.config = Objects.requireNonNull(config, "config");
    this.learner = Objects.requireNonNull(learner, "learner");
    this.mode = Objects.requireNonNull(mode, "mode");
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    this.batch = batch;
    int classes = learner.network().config().classes();
    if (experts.size() != classes) {
      throw new IllegalArgumentException(
          "router '"
              + id
              + "' has "
              + experts.size()
              + " experts but its gate network has "
              + classes
              + " outputs");
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ExpertRegistry experts() {
    return experts;
  }

  @Override
  public RouterConfig config() {
    return config;
  }

  /** Scores are log-probabilities of the branched network's output for each expert. */
  @Override
  public GateScores gate(RouterInput input, Context ctx) {
    float[] x = features(input);
    float[] p = learner.network().predict(new float[][] {x}, mode).probabilities()[0];
    List<ExpertRef> refs = experts.list();
    double[] logits = new double[refs.size()];
    List<ExpertId> ids = new ArrayList<>(refs.size());
    for (int i = 0; i < logits.length; i++) {
      ids.add(refs.get(i).id());
      logits[i] = Math.log(Math.max(p[i], 1e-12));
    }
    return GateScores.of(ids, logits);
  }

  /** Buffers labelled feedback; learns it as a task once {@code batch} examples are waiting. */
  @Override
  public synchronized void trainSignal(RouterFeedback feedback) {
    if (feedback.target().isEmpty()) {
      return;
    }
    int target = indexOf(feedback.target().get());
    if (target < 0) {
      return;
    }
    pendingX.add(features(feedback.input()));
    pendingY.add(target);
    if (pendingX.size() >= batch) {
      flush();
    }
  }

  /**
   * Learns the buffered feedback now, as one task.
   *
   * @return the learner's decision, or null when nothing was buffered
   */
  public synchronized BranchEvent flush() {
    if (pendingX.isEmpty()) {
      return null;
    }
    int[] y = pendingY.stream().mapToInt(Integer::intValue).toArray();
    Dataset d = new Dataset(pendingX.toArray(float[][]::new), y);
    pendingX.clear();
    pendingY.clear();
    return learner.learn(id + "-feedback-" + (++learnedBatches), d);
  }

  /**
   * @return the learner behind the gate
   */
  public ContinualLearner learner() {
    return learner;
  }

  private int indexOf(ExpertId target) {
    List<ExpertRef> refs = experts.list();
    for (int i = 0; i < refs.size(); i++) {
      if (refs.get(i).id().equals(target)) {
        return i;
      }
    }
    return -1;
  }

  private float[] features(RouterInput input) {
    float[] x =
        switch (input) {
          case RouterInput.Encoded e -> e.encoded().vector();
          case RouterInput.Raw r when r.source() instanceof InputData.Features f -> f.values();
          case RouterInput.Raw r ->
              throw new MoeError.InvalidInput(
                  "router '"
                      + id
                      + "' needs encoded input or features: set an encoder in its config");
        };
    int want = learner.network().config().inputs();
    if (x.length != want) {
      throw new MoeError.InvalidInput(
          "router '"
              + id
              + "': input has "
              + x.length
              + " features, the gate network expects "
              + want);
    }
    return x;
  }
}
