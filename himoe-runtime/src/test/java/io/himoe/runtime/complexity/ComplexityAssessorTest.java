package io.himoe.runtime.complexity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ComplexityAssessorTest {

  private final ComplexityAssessor rules = ComplexityAssessor.ofDefaults();

  @Test
  void simpleDefinitionIsLow() {
    Complexity c = rules.assess("What is a monad?");
    assertThat(c.factor(ComplexityFactor.LENGTH)).isEqualTo(0.2);
    assertThat(c.factor(ComplexityFactor.TASK_TYPE)).isEqualTo(0.1);
    assertThat(c.factor(ComplexityFactor.SPECIFICITY)).isZero();
    assertThat(c.factor(ComplexityFactor.REASONING)).isZero();
    assertThat(c.factor(ComplexityFactor.CONSTRAINTS)).isZero();
    // 0.2*0.1 + 0.1*0.3
    assertThat(c.score()).isCloseTo(0.05, within(1e-9));
    assertThat(c.level()).isEqualTo(ComplexityLevel.LOW);
  }

  @Test
  void codeDebuggingWithReasoningIsHigh() {
    String p =
        "Debug this function step by step and prove why the SQL query fails after 3 retries; "
            + "it must be secure and efficient, without using a new library.";
    Complexity c = rules.assess(p);
    assertThat(c.factor(ComplexityFactor.TASK_TYPE)).isEqualTo(0.9);
    // digits 0.2 + code 0.4 + acronym 0.2 + "must" 0.2
    assertThat(c.factor(ComplexityFactor.SPECIFICITY)).isCloseTo(1.0, within(1e-9));
    // "step by step", "why"
    assertThat(c.factor(ComplexityFactor.REASONING)).isCloseTo(0.6, within(1e-9));
    // "secure", "efficient", "without using"
    assertThat(c.factor(ComplexityFactor.CONSTRAINTS)).isCloseTo(0.9, within(1e-9));
    double expected = 0.5 * 0.1 + 0.9 * 0.3 + 1.0 * 0.2 + 0.6 * 0.3 + 0.9 * 0.1;
    assertThat(c.factor(ComplexityFactor.LENGTH)).isEqualTo(0.5);
    assertThat(c.score()).isCloseTo(expected, within(1e-9));
    assertThat(c.level()).isEqualTo(ComplexityLevel.HIGH);
  }

  @Test
  void frenchCuesCount() {
    String p =
        "Pourquoi cet algorithme est-il lent ? Optimise-le étape par étape, sans utiliser de "
            + "bibliothèque : il doit rester sécurisé.";
    Complexity c = rules.assess(p);
    assertThat(c.factor(ComplexityFactor.TASK_TYPE)).isEqualTo(0.9);
    // pourquoi, algorithm(e), étape par étape
    assertThat(c.factor(ComplexityFactor.REASONING)).isCloseTo(0.9, within(1e-9));
    // sans utiliser, sécurisé
    assertThat(c.factor(ComplexityFactor.CONSTRAINTS)).isCloseTo(0.6, within(1e-9));
    // "doit"
    assertThat(c.factor(ComplexityFactor.SPECIFICITY)).isCloseTo(0.2, within(1e-9));
    assertThat(c.level()).isEqualTo(ComplexityLevel.MEDIUM);
    assertThat(rules.assess("Résume ce texte en français.").factor(ComplexityFactor.TASK_TYPE))
        .isEqualTo(0.3);
    assertThat(rules.assess("Qu’est-ce qu'un graphe ?").factor(ComplexityFactor.TASK_TYPE))
        .isEqualTo(0.1);
    assertThat(
            rules.assess("Tu ne dois pas toucher au disque.").factor(ComplexityFactor.SPECIFICITY))
        .isCloseTo(0.2, within(1e-9));
  }

  @Test
  void cuesMatchAtWordStartOnly() {
    // "list" inside "specialist" and "prove" inside "improve" are not cues.
    Complexity c = rules.assess("ask the specialist to improve it");
    assertThat(c.factor(ComplexityFactor.TASK_TYPE)).isEqualTo(0.5);
  }

  @Test
  void lengthBands() {
    assertThat(rules.assess("w ".repeat(19)).factor(ComplexityFactor.LENGTH)).isEqualTo(0.2);
    assertThat(rules.assess("w ".repeat(20)).factor(ComplexityFactor.LENGTH)).isEqualTo(0.5);
    assertThat(rules.assess("w ".repeat(50)).factor(ComplexityFactor.LENGTH)).isEqualTo(0.7);
    assertThat(rules.assess("w ".repeat(100)).factor(ComplexityFactor.LENGTH)).isEqualTo(1.0);
  }

  @Test
  void weightsAndThresholdsAreConfigurable() {
    ComplexityConfig onlyTask =
        ComplexityConfig.ofDefaults()
            .withWeight(ComplexityFactor.LENGTH, 0)
            .withWeight(ComplexityFactor.SPECIFICITY, 0)
            .withWeight(ComplexityFactor.REASONING, 0)
            .withWeight(ComplexityFactor.CONSTRAINTS, 0)
            .withWeight(ComplexityFactor.TASK_TYPE, 1.0)
            .withThresholds(0.2, 0.85);
    ComplexityAssessor a = ComplexityAssessor.of(onlyTask);
    assertThat(a.assess("debug it").score()).isCloseTo(0.9, within(1e-9));
    assertThat(a.assess("debug it").level()).isEqualTo(ComplexityLevel.HIGH);
    assertThat(a.assess("explain it").level()).isEqualTo(ComplexityLevel.MEDIUM);
    assertThat(a.assess("define it").level()).isEqualTo(ComplexityLevel.LOW);
  }

  @Test
  void badConfigIsRefusedWithTheField() {
    assertThatThrownBy(
            () -> ComplexityConfig.ofDefaults().withWeight(ComplexityFactor.REASONING, -1))
        .hasMessageContaining("REASONING")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> ComplexityConfig.ofDefaults().withThresholds(0.8, 0.5))
        .hasMessageContaining("mediumAbove");
    assertThatThrownBy(() -> rules.assess(null)).hasMessageContaining("prompt is null");
  }

  @Test
  void describeListsTheFactors() {
    assertThat(rules.assess("What is a monad?").describe())
        .startsWith("LOW 0.05 {LENGTH=0.2, TASK_TYPE=0.1");
  }
}
