package io.himoe.runtime.complexity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearnedComplexityAssessorTest {

  @Test
  void untrainedAnswersLikeTheRules() {
    LearnedComplexityAssessor m = LearnedComplexityAssessor.builder().build();
    String p = "Explain how a hash map works";
    assertThat(m.assess(p)).isEqualTo(ComplexityAssessor.ofDefaults().assess(p));
    assertThat(m.probabilities(p)).isEmpty();
  }

  @Test
  void learnsThatTranslationsNeedHighWhenFeedbackSaysSo() {
    // The rules call translation MEDIUM/LOW; feedback says every translation needed the large
    // model, and every definition the small one.
    List<ComplexityExample> data = new ArrayList<>();
    for (String w : List.of("cat", "house", "river", "bridge", "window", "garden")) {
      data.add(new ComplexityExample("Translate the word " + w, ComplexityLevel.HIGH));
      data.add(new ComplexityExample("Define the word " + w, ComplexityLevel.LOW));
      data.add(new ComplexityExample("Compare the word " + w, ComplexityLevel.MEDIUM));
    }
    LearnedComplexityAssessor m = LearnedComplexityAssessor.builder().seed(7).build().fit(data);
    assertThat(ComplexityAssessor.ofDefaults().assess("Translate the word tree").level())
        .isEqualTo(ComplexityLevel.LOW);
    assertThat(m.assess("Translate the word tree").level()).isEqualTo(ComplexityLevel.HIGH);
    assertThat(m.assess("Define the word tree").level()).isEqualTo(ComplexityLevel.LOW);
    assertThat(m.assess("Compare the word tree").level()).isEqualTo(ComplexityLevel.MEDIUM);
    assertThat(m.probabilities("Translate the word tree").orElseThrow().get(ComplexityLevel.HIGH))
        .isGreaterThan(0.8);
    assertThat(m.examplesSeen()).isEqualTo(18);
  }

  @Test
  void sameSeedSameModel() {
    List<ComplexityExample> data =
        List.of(
            new ComplexityExample("Translate it", ComplexityLevel.HIGH),
            new ComplexityExample("List them", ComplexityLevel.LOW),
            new ComplexityExample("Summarize it", ComplexityLevel.MEDIUM));
    var a = LearnedComplexityAssessor.builder().seed(3).epochs(20).build().fit(data);
    var b = LearnedComplexityAssessor.builder().seed(3).epochs(20).build().fit(data);
    assertThat(a.probabilities("Translate that")).isEqualTo(b.probabilities("Translate that"));
  }

  @Test
  void embeddingSeparatesWhatTheFactorsCannot() {
    // Same factors for both prompts (no cue matches); only the encoder tells topics apart.
    Encoder topic =
        in -> {
          String t = in.toText();
          return new Encoded(
              new float[] {t.contains("tax") ? 1f : 0f, t.contains("pet") ? 1f : 0f});
        };
    List<ComplexityExample> data = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      data.add(
          new ComplexityExample("my tax case number " + (char) ('a' + i), ComplexityLevel.HIGH));
      data.add(
          new ComplexityExample("my pet case number " + (char) ('a' + i), ComplexityLevel.LOW));
    }
    var m = LearnedComplexityAssessor.builder().encoder(topic).seed(1).build().fit(data);
    assertThat(m.assess("another tax case").level()).isEqualTo(ComplexityLevel.HIGH);
    assertThat(m.assess("another pet case").level()).isEqualTo(ComplexityLevel.LOW);
  }

  @Test
  void onlineUpdatesMoveTheDecision() {
    var m = LearnedComplexityAssessor.builder().learningRate(0.5).build();
    for (int i = 0; i < 40; i++) {
      m.update(new ComplexityExample("Summarize the report", ComplexityLevel.HIGH));
      m.update(new ComplexityExample("What is a report", ComplexityLevel.LOW));
    }
    assertThat(m.assess("Summarize the minutes").level()).isEqualTo(ComplexityLevel.HIGH);
    assertThat(m.assess("What is a minute").level()).isEqualTo(ComplexityLevel.LOW);
    assertThat(m.examplesSeen()).isEqualTo(80);
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> new ComplexityExample(" ", ComplexityLevel.LOW))
        .hasMessageContaining("prompt is empty");
    assertThatThrownBy(() -> LearnedComplexityAssessor.builder().learningRate(0))
        .hasMessageContaining("learningRate");
    assertThatThrownBy(() -> LearnedComplexityAssessor.builder().build().fit(List.of()))
        .hasMessageContaining("examples are empty");
  }
}
