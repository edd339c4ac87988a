package io.himoe.branches.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.RouterInput;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class AdaptersTest {

  private static final Encoder FEATURES = in -> new Encoded(((InputData.Features) in).values());

  private static final Dataset A = SyntheticTasks.blobs(3, 40, 10, 6, 21);
  private static final Dataset B = SyntheticTasks.permuted(A, 4).relabel(c -> (c + 1) % 3);

  private static ContinualLearner learner(BranchedNetwork n) {
    return new ContinualLearner(
        n,
        LearnerConfig.ofDefaults().withTraining(15, 32, 0.05).withGate(20, 0.1),
        new EpisodicMemory(40, 2));
  }

  private static List<InputData> inputs(Dataset d) {
    List<InputData> out = new ArrayList<>();
    for (float[] x : d.x()) {
      out.add(InputData.features(x));
    }
    return out;
  }

  private static double accuracy(Expert e, Dataset d, List<String> labels) throws Exception {
    int ok = 0;
    for (int i = 0; i < d.size(); i++) {
      ExpertOut out = e.infer(InputData.features(d.x()[i]), Context.of(Duration.ofSeconds(5)));
      ok += out.value().equals(Value.text(labels.get(d.y()[i]))) ? 1 : 0;
    }
    return (double) ok / d.size();
  }

  @Test
  void expertKeepsLearningWithoutForgetting() throws Exception {
    List<String> labels = List.of("red", "green", "blue");
    try (BranchedNetwork n = BranchedNetwork.create(NetworkConfig.of(10, 3).withHidden(24))) {
      BranchedExpert e =
          BranchedExpert.of("colours", learner(n), FEATURES, labels, GateMode.topK(1));
      e.learn("a", inputs(A), A.y().length == 0 ? List.of() : names(A, labels));
      assertThat(accuracy(e, A, labels)).isGreaterThan(0.9);
      BranchEvent second = e.learn("b", inputs(B), names(B, labels));
      assertThat(second).isInstanceOf(BranchEvent.Spawned.class);
      assertThat(accuracy(e, A, labels)).isGreaterThan(0.85);
      assertThat(accuracy(e, B, labels)).isGreaterThan(0.85);
      ExpertOut out = e.infer(InputData.features(A.x()[0]), Context.of(Duration.ofSeconds(1)));
      assertThat(out.aux().confidence()).isBetween(0.0, 1.0);
      assertThat(out.aux().costUnits()).isEqualTo(1.0);
      assertThatThrownBy(() -> e.learn("c", inputs(A.slice(0, 1)), List.of("purple")))
          .hasMessageContaining("'purple' is not one of");
      assertThatThrownBy(
              () -> e.infer(InputData.features(1f, 2f), Context.of(Duration.ofSeconds(1))))
          .isInstanceOf(MoeError.InvalidInput.class)
          .hasMessageContaining("encoder gives 2 features, the network expects 10");
    }
  }

  @Test
  void expertLearnsFromLabelledFeedbackInBatches() throws Exception {
    List<String> labels = List.of("red", "green", "blue");
    try (BranchedNetwork n = BranchedNetwork.create(NetworkConfig.of(10, 3).withHidden(24))) {
      BranchedExpert e =
          BranchedExpert.of("colours", learner(n), FEATURES, labels, GateMode.topK(1), A.size());
      double before = accuracy(e, A, labels);
      java.util.OptionalDouble none = java.util.OptionalDouble.empty();
      // Feedback without a label, or with an unknown one, teaches nothing.
      e.learn(
          new io.himoe.experts.ExpertFeedback(
              "u",
              "main",
              InputData.features(A.x()[0]),
              1,
              OptionalDouble.of(1),
              Optional.empty(),
              Optional.empty()));
      e.learn(
          new io.himoe.experts.ExpertFeedback(
              "v",
              "main",
              InputData.features(A.x()[0]),
              1,
              none,
              Optional.empty(),
              Optional.of("purple")));
      assertThat(e.pending()).isZero();
      for (int i = 0; i < A.size(); i++) {
        assertThat(e.learner().events()).isEmpty();
        e.learn(
            new io.himoe.experts.ExpertFeedback(
                "t" + i,
                "main",
                InputData.features(A.x()[i]),
                1,
                none,
                Optional.empty(),
                Optional.of(labels.get(A.y()[i]))));
      }
      // The batch was full: learned as one task, and the expert now answers the labels.
      assertThat(e.learner().events()).hasSize(1);
      assertThat(e.pending()).isZero();
      assertThat(accuracy(e, A, labels)).isGreaterThan(0.9).isGreaterThan(before);
      assertThat(e.flush()).isNull();
    }
  }

  private static List<String> names(Dataset d, List<String> labels) {
    List<String> out = new ArrayList<>();
    for (int y : d.y()) {
      out.add(labels.get(y));
    }
    return out;
  }

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

  @Test
  void routerGateLearnsRoutesFromFeedbackAndRoutesThroughTheCore() {
    ExpertRegistry reg = ExpertRegistry.of(answering("x"), answering("y"), answering("z"));
    try (BranchedNetwork n = BranchedNetwork.create(NetworkConfig.of(10, 3).withHidden(24))) {
      BranchedRouter r =
          new BranchedRouter(
              "branched", reg, RouterConfig.of(1), learner(n), GateMode.topK(1), A.size());
      for (int i = 0; i < A.size(); i++) {
        InputData in = InputData.features(A.x()[i]);
        r.trainSignal(
            new RouterFeedback(
                "t" + i,
                new RouterInput.Raw(in),
                r.gate(new RouterInput.Raw(in), Context.of(Duration.ofSeconds(1))),
                List.of(),
                OptionalDouble.empty(),
                Optional.of(reg.list().get(A.y()[i]).id()),
                0,
                Map.of()));
      }
      // the buffer was full: one task learned
      assertThat(r.learner().events()).hasSize(1);
      int ok = 0;
      for (int i = 0; i < A.size(); i++) {
        Value v = r.route(InputData.features(A.x()[i]), Context.of(Duration.ofSeconds(5))).value();
        ok += v.equals(Value.text(reg.list().get(A.y()[i]).name())) ? 1 : 0;
      }
      assertThat(ok).isGreaterThan(A.size() * 9 / 10);
      assertThatThrownBy(
              () ->
                  r.gate(
                      new RouterInput.Raw(InputData.text("hi")), Context.of(Duration.ofSeconds(1))))
          .hasMessageContaining("needs encoded input or features");
    }
  }
}
