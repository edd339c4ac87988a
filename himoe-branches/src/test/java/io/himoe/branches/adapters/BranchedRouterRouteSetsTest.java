package io.himoe.branches.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.data.SyntheticTasks;
import io.himoe.branches.learning.BranchEvent;
import io.himoe.branches.learning.ContinualLearner;
import io.himoe.branches.learning.LearnerConfig;
import io.himoe.branches.memory.EpisodicMemory;
import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.GateMode;
import io.himoe.branches.model.NetworkConfig;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.RouterConfig;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.RouterInput;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The gate of a {@link BranchedRouter} learns five successive route sets from feedback, each
 * bringing two experts it has never routed to, and keeps the earlier routes: every set's accuracy
 * at the end is within 2 points of its accuracy right after it was learnt.
 */
class BranchedRouterRouteSetsTest {

  private static final int SETS = 5;
  private static final int EXPERTS = 2 * SETS;
  // ten clusters, one per expert; set k routes clusters 2k and 2k+1
  private static final Dataset TRAIN = SyntheticTasks.blobs(EXPERTS, 40, 12, 6, 31);
  private static final Dataset TEST = SyntheticTasks.blobs(EXPERTS, 80, 12, 6, 31).slice(400, 800);

  private static Expert answering(String name) {
    return new Expert() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ExpertOut infer(InputData input, Context ctx) {
        return ExpertOut.of(Value.text(name), 0, 1);
      }
    };
  }

  private static Dataset set(Dataset d, int k) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      if (d.y()[i] / 2 == k) {
        idx.add(i);
      }
    }
    return d.select(idx.stream().mapToInt(Integer::intValue).toArray());
  }

  private static double accuracy(BranchedRouter r, ExpertRegistry reg, Dataset d) {
    int ok = 0;
    for (int i = 0; i < d.size(); i++) {
      Value v = r.route(InputData.features(d.x()[i]), Context.of(Duration.ofSeconds(5))).value();
      ok += v.equals(Value.text(reg.list().get(d.y()[i]).name())) ? 1 : 0;
    }
    return (double) ok / d.size();
  }

  @Test
  void fiveRouteSetsAreLearntWithoutForgettingTheEarlierOnes() {
    List<Expert> experts = new ArrayList<>();
    for (int e = 0; e < EXPERTS; e++) {
      experts.add(answering("expert-" + e));
    }
    ExpertRegistry reg = ExpertRegistry.of(experts.toArray(Expert[]::new));
    try (BranchedNetwork n =
        BranchedNetwork.create(NetworkConfig.of(12, EXPERTS).withHidden(32).withSeed(3))) {
      ContinualLearner learner =
          new ContinualLearner(
              n,
              LearnerConfig.ofDefaults().withTraining(15, 32, 0.05).withGate(30, 0.1),
              new EpisodicMemory(40, 2));
      BranchedRouter r =
          new BranchedRouter(
              "branched", reg, RouterConfig.of(1), learner, GateMode.topK(1), 2 * 40);
      double[] afterLearning = new double[SETS];
      List<BranchEvent> decisions = new ArrayList<>();
      for (int k = 0; k < SETS; k++) {
        Dataset s = set(TRAIN, k);
        for (int i = 0; i < s.size(); i++) {
          InputData in = InputData.features(s.x()[i]);
          r.trainSignal(feedback(r, reg, in, s.y()[i], "s" + k + "-" + i));
        }
        // the buffer held exactly one set: it was learnt as one task
        assertThat(learner.events()).hasSize(decisions.size() + 1);
        decisions.add(learner.events().get(learner.events().size() - 1));
        afterLearning[k] = accuracy(r, reg, set(TEST, k));
        assertThat(afterLearning[k])
            .as("route set %d right after learning it", k)
            .isGreaterThan(0.9);
      }
      for (int k = 0; k < SETS; k++) {
        assertThat(accuracy(r, reg, set(TEST, k)))
            .as("route set %d after all five (was %.3f)", k, afterLearning[k])
            .isGreaterThanOrEqualTo(afterLearning[k] - 0.02);
      }
      // sets of experts never routed to before conflict with the old ones: new branches
      assertThat(decisions.subList(1, SETS)).hasAtLeastOneElementOfType(BranchEvent.Spawned.class);
    }
  }

  private static RouterFeedback feedback(
      BranchedRouter r, ExpertRegistry reg, InputData in, int target, String trace) {
    return new RouterFeedback(
        trace,
        new RouterInput.Raw(in),
        r.gate(new RouterInput.Raw(in), Context.of(Duration.ofSeconds(1))),
        List.of(),
        OptionalDouble.empty(),
        Optional.of(reg.list().get(target).id()),
        0,
        Map.of());
  }
}
