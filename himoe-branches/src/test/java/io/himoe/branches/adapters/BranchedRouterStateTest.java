package io.himoe.branches.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.data.SyntheticTasks;
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
import io.himoe.router.RouterState;
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
 * A {@link BranchedRouter}'s saved state brings a fresh router back to where the saved one was: the
 * same gate, the feedback it had buffered, the tasks it had learned; a state that does not fit is
 * refused naming why, and the router keeps its own.
 */
class BranchedRouterStateTest {

  private static final int BATCH = 40;
  private static final Dataset DATA = SyntheticTasks.blobs(4, 40, 12, 6, 17);

  private static Expert named(String name) {
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

  private static ExpertRegistry registry(String... names) {
    List<Expert> es = new ArrayList<>();
    for (String n : names) {
      es.add(named(n));
    }
    return ExpertRegistry.of(es.toArray(Expert[]::new));
  }

  private static BranchedRouter fresh(ExpertRegistry reg, int inputs, long seed) {
    BranchedNetwork net =
        BranchedNetwork.create(NetworkConfig.of(inputs, reg.size()).withHidden(16).withSeed(seed));
    ContinualLearner learner =
        new ContinualLearner(
            net,
            LearnerConfig.ofDefaults().withTraining(10, 16, 0.05).withGate(10, 0.1),
            new EpisodicMemory(20, 1));
    return new BranchedRouter(
        "branched", reg, RouterConfig.of(1), learner, GateMode.topK(1), BATCH);
  }

  private static void teach(BranchedRouter r, ExpertRegistry reg, int from, int count) {
    for (int i = from; i < from + count; i++) {
      InputData in = InputData.features(DATA.x()[i]);
      r.trainSignal(
          new RouterFeedback(
              "t" + i,
              new RouterInput.Raw(in),
              r.gate(new RouterInput.Raw(in), Context.of(Duration.ofSeconds(1))),
              List.of(),
              OptionalDouble.empty(),
              Optional.of(reg.list().get(DATA.y()[i]).id()),
              0,
              Map.of()));
    }
  }

  private static float[] probabilities(BranchedRouter r, int i) {
    return r.learner()
        .network()
        .predict(new float[][] {DATA.x()[i]}, GateMode.topK(1))
        .probabilities()[0];
  }

  @Test
  void aRestoredRouterRoutesAndLearnsAsTheSavedOneDid() {
    ExpertRegistry reg = registry("a", "b", "c", "d");
    BranchedRouter saved = fresh(reg, 12, 1);
    // one learned task (40 feedbacks) and 25 more buffered for the next
    teach(saved, reg, 0, BATCH + 25);
    assertThat(saved.learner().events()).hasSize(1);
    assertThat(saved.pending()).isEqualTo(25);
    RouterState state = saved.saveState();
    assertThat(state.format()).isEqualTo(BranchedRouter.STATE_FORMAT);

    BranchedRouter restored = fresh(reg, 12, 99);
    assertThat(probabilities(restored, 3)).isNotEqualTo(probabilities(saved, 3));
    restored.restoreState(state);
    for (int i = 0; i < DATA.size(); i += 7) {
      assertThat(probabilities(restored, i)).containsExactly(probabilities(saved, i));
    }
    assertThat(restored.pending()).isEqualTo(25);
    assertThat(restored.learner().events()).isEqualTo(saved.learner().events());
    // the 15 feedbacks that complete the buffer make the second task, on both
    teach(saved, reg, BATCH + 25, 15);
    teach(restored, reg, BATCH + 25, 15);
    assertThat(restored.learner().events()).hasSize(2);
    assertThat(restored.pending()).isZero();
    assertThat(saved.learner().events()).hasSize(2);
  }

  @Test
  void aStateThatDoesNotFitIsRefusedAndTheRouterKeepsItsOwn() {
    ExpertRegistry reg = registry("a", "b", "c", "d");
    BranchedRouter saved = fresh(reg, 12, 1);
    teach(saved, reg, 0, BATCH);
    RouterState state = saved.saveState();

    BranchedRouter otherExperts = fresh(registry("a", "b", "c", "e"), 12, 5);
    float[] before = probabilities(otherExperts, 0);
    assertThatThrownBy(() -> otherExperts.restoreState(state))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("state saved for experts [a, b, c, d], this router has [a, b, c, e]");
    assertThat(probabilities(otherExperts, 0)).containsExactly(before);

    BranchedRouter otherEncoder = fresh(reg, 16, 5);
    assertThatThrownBy(() -> otherEncoder.restoreState(state))
        .hasMessageContaining("state saved for 12 input features, the encoder gives 16");

    BranchedRouter same = fresh(reg, 12, 5);
    assertThatThrownBy(() -> same.restoreState(new RouterState("neural/2", state.bytes())))
        .hasMessageContaining("format 'neural/2'");
    byte[] cut = java.util.Arrays.copyOf(state.bytes(), state.bytes().length - 100);
    assertThatThrownBy(() -> same.restoreState(new RouterState(state.format(), cut)))
        .hasMessageContaining("saved state is unreadable");
    byte[] flipped = state.bytes().clone();
    flipped[flipped.length - 200] ^= 0x10;
    assertThatThrownBy(() -> same.restoreState(new RouterState(state.format(), flipped)))
        .hasMessageContaining("checksum mismatch");
    assertThat(same.learner().events()).isEmpty();
  }
}
