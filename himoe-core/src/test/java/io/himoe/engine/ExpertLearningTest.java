package io.himoe.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.ExpertFeedback;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.LearningExpert;
import io.himoe.experts.TestExperts;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The engine hands every called expert that learns its share of the caller's feedback. */
class ExpertLearningTest {

  /** Answers its name, records what it is taught; can be told to fail. */
  static final class Learner implements LearningExpert {
    final String name;
    final List<ExpertFeedback> lessons = new CopyOnWriteArrayList<>();
    final boolean failsToLearn;

    Learner(String name, boolean failsToLearn) {
      this.name = name;
      this.failsToLearn = failsToLearn;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      return ExpertOut.of(Value.text(name), 0, 0.9);
    }

    @Override
    public void learn(ExpertFeedback feedback) {
      if (failsToLearn) {
        throw new IllegalStateException("cannot learn");
      }
      lessons.add(feedback);
    }
  }

  /** A keyword router that records the feedback it is trained with. */
  private static final List<RouterFeedback> ROUTED = new CopyOnWriteArrayList<>();

  private static Engine engine(KeywordRouter router) {
    ROUTED.clear();
    Engine e = Engine.builder(RuleOrchestrator.builder().router(router).build()).build();
    e.addListener(
        ev -> {
          if (ev instanceof EngineEvent.FeedbackApplied f) {
            ROUTED.add(f.feedback());
          }
        });
    return e;
  }

  @Test
  void eachCalledLearnerGetsItsShareAndOthersAreLeftAlone() {
    Learner a = new Learner("a", false);
    Learner b = new Learner("b", false);
    Learner broken = new Learner("broken", true);
    KeywordRouter router =
        KeywordRouter.builder(
                "main", ExpertRegistry.of(a, b, broken, TestExperts.Constant.of("plain", "p")))
            .topK(4)
            .build();
    try (Engine engine = engine(router)) {
      Answer ans = engine.ask(InputData.text("question"), engine.newContext());
      engine.feedback(
          new Feedback(
              ans.traceId(),
              OptionalDouble.of(0.8),
              Optional.of("a"),
              Optional.empty(),
              Optional.of("label-x")));
      assertThat(a.lessons).hasSize(1);
      assertThat(b.lessons).hasSize(1);
      ExpertFeedback fa = a.lessons.getFirst();
      assertThat(fa.traceId()).isEqualTo(ans.traceId());
      assertThat(fa.routerId()).isEqualTo("main");
      assertThat(fa.input()).isEqualTo(InputData.text("question"));
      assertThat(fa.reward()).hasValue(0.8);
      assertThat(fa.bestExpert()).contains("a");
      assertThat(fa.expected()).contains("label-x");
      // Four experts answered with equal gate weights: each holds a quarter of the answer.
      assertThat(fa.share()).isEqualTo(0.25);
      assertThat(b.lessons.getFirst().share()).isEqualTo(0.25);
      // The expert that threw did not stop the others, nor the routers' training.
      assertThat(ROUTED).hasSize(1);
    }
  }

  @Test
  void anExpectedAnswerAloneTeachesTheExpertsNotTheRouters() {
    Learner a = new Learner("a", false);
    KeywordRouter router = KeywordRouter.builder("main", ExpertRegistry.of(a)).build();
    try (Engine engine = engine(router)) {
      Answer ans = engine.ask(InputData.text("question"), engine.newContext());
      engine.feedback(
          new Feedback(
              ans.traceId(),
              OptionalDouble.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.of("label-y")));
      assertThat(a.lessons).singleElement().satisfies(f -> assertThat(f.share()).isEqualTo(1.0));
      assertThat(a.lessons.getFirst().rewardFor("a")).isEmpty();
      assertThat(ROUTED).isEmpty();
    }
  }
}
