package io.himoe.branches.adapters;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.learning.ContinualLearner;
import io.himoe.branches.learning.LearnerConfig;
import io.himoe.branches.memory.EpisodicMemory;
import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.GateMode;
import io.himoe.branches.model.NetworkConfig;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.Router;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterProvider;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code branched} router type: a {@link BranchedRouter} whose gate is a fresh branched network
 * over the router's encoder (one output per expert), fitted first from the experts' example
 * requests when they have some, then learning routes from feedback that names the best expert, in
 * batches of {@value #FEEDBACK_BATCH}, each a task for the continual learner (so routes learnt
 * earlier are kept).
 */
public final class BranchedRouterProvider implements RouterProvider {

  /** Labelled feedbacks learned together as one task. */
  public static final int FEEDBACK_BATCH = 32;

  /** For {@link java.util.ServiceLoader}. */
  public BranchedRouterProvider() {}

  @Override
  public String type() {
    return "branched";
  }

  @Override
  public Router create(
      String id, ExpertRegistry experts, RouterConfig config, Map<String, List<String>> examples) {
    Encoder encoder =
        config
            .encoder()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "router '" + id + "': type 'branched' needs an encoder"));
    int dim = encoder.encode(InputData.text("dimension probe")).vector().length;
    BranchedNetwork net =
        BranchedNetwork.create(NetworkConfig.of(dim, experts.size()).withHidden(64).withSeed(1));
    ContinualLearner learner =
        new ContinualLearner(
            net,
            LearnerConfig.ofDefaults().withTraining(30, 16, 0.05).withGate(40, 0.1),
            new EpisodicMemory(100, 1));
    List<float[]> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    List<ExpertRef> refs = experts.list();
    for (int i = 0; i < refs.size(); i++) {
      for (String text : examples.getOrDefault(refs.get(i).name(), List.of())) {
        x.add(encoder.encode(InputData.text(text)).vector());
        y.add(i);
      }
    }
    if (!x.isEmpty()) {
      learner.learn(
          id + "-examples",
          new Dataset(x.toArray(float[][]::new), y.stream().mapToInt(Integer::intValue).toArray()));
    }
    return new BranchedRouter(id, experts, config, learner, GateMode.topK(1), FEEDBACK_BATCH);
  }
}
