package io.himoe.experts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class LearningExpertTest {

  /** Records what it is taught. */
  static final class Student implements LearningExpert {
    final List<ExpertFeedback> lessons = new ArrayList<>();

    @Override
    public String name() {
      return "student";
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      return ExpertOut.of(Value.text("?"), 0, 0.5);
    }

    @Override
    public void learn(ExpertFeedback feedback) {
      lessons.add(feedback);
    }
  }

  /** A wrapper that forwards the learner, as guards and monitors must. */
  record Wrapper(Expert inner) implements Expert {
    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) throws Exception {
      return inner.infer(input, ctx);
    }

    @Override
    public Optional<LearningExpert> asLearning() {
      return inner.asLearning();
    }
  }

  private static ExpertFeedback feedback(OptionalDouble reward, Optional<String> best) {
    return new ExpertFeedback(
        "t", "main", InputData.text("q"), 0.5, reward, best, Optional.empty());
  }

  @Test
  void aLearnerIsReachedThroughWrappersAndOthersHaveNone() {
    Student s = new Student();
    Expert wrapped = new Wrapper(new Wrapper(s));
    assertThat(wrapped.asLearning()).containsSame(s);
    wrapped.asLearning().orElseThrow().learn(feedback(OptionalDouble.of(1), Optional.empty()));
    assertThat(s.lessons).hasSize(1);
    Expert plain =
        new Expert() {
          @Override
          public String name() {
            return "plain";
          }

          @Override
          public ExpertOut infer(InputData input, Context ctx) {
            return ExpertOut.of(Value.text("x"), 0, 1);
          }
        };
    assertThat(new Wrapper(plain).asLearning()).isEmpty();
  }

  @Test
  void theRewardForAnExpertComesFromTheRewardOrTheBestExpert() {
    assertThat(feedback(OptionalDouble.of(0.3), Optional.of("x")).rewardFor("student"))
        .hasValue(0.3);
    assertThat(feedback(OptionalDouble.empty(), Optional.of("student")).rewardFor("student"))
        .hasValue(1);
    assertThat(feedback(OptionalDouble.empty(), Optional.of("other")).rewardFor("student"))
        .hasValue(0);
    assertThat(feedback(OptionalDouble.empty(), Optional.empty()).rewardFor("student")).isEmpty();
  }

  @Test
  void aShareOrRewardOutOfRangeIsRefused() {
    assertThatThrownBy(
            () ->
                new ExpertFeedback(
                    "t",
                    "r",
                    InputData.text("q"),
                    1.5,
                    OptionalDouble.empty(),
                    Optional.empty(),
                    Optional.empty()))
        .hasMessageContaining("share");
    assertThatThrownBy(() -> feedback(OptionalDouble.of(-1), Optional.empty()))
        .hasMessageContaining("reward");
  }
}
