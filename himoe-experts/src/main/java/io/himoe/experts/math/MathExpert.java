package io.himoe.experts.math;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code math} expert: finds the arithmetic expression in a text (English or French phrasing:
 * "combien font 12*(3+4) ?", "what is 2^10", "racine carrée de 144", "15% of 80") and evaluates it
 * exactly with {@link MathEvaluator}. The answer is the number as text ({@code "84"}), so numeric
 * aggregators can combine it. A text without an expression, or one that cannot be computed (a
 * division by zero, a malformed expression), is a {@link MoeError.Unprocessable} naming the
 * problem: the router re-routes the request to the next-best expert, and answers 422 only when no
 * expert could process it.
 *
 * <p>Confidence: 0.99 when the expression holds every number of the text and was computed exactly,
 * 0.85 when other numbers in the text were left out (the question may be about something else), 0.7
 * when a non-integer power went through {@code double}. Cost: 0 cost units (local, no fee).
 */
public final class MathExpert implements Expert {

  private static final List<String> CUES =
      List.of(
          "calcul",
          "combien font",
          "combien fait",
          "compute",
          "calculate",
          "evaluate",
          "what is",
          "how much is",
          "résultat",
          "result",
          "racine",
          "square root",
          "sqrt",
          "math");

  private final String name;
  private final MathEvaluator evaluator;

  private MathExpert(String name, MathEvaluator evaluator) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("math expert: name is empty");
    }
    this.name = name;
    this.evaluator = evaluator;
  }

  /**
   * @param name the expert's name
   * @return a math expert with 34-digit precision
   */
  public static MathExpert of(String name) {
    return new MathExpert(name, MathEvaluator.ofDefaults());
  }

  /**
   * @return a math expert named {@code math}
   */
  public static MathExpert ofDefaults() {
    return of("math");
  }

  @Override
  public String name() {
    return name;
  }

  /** {@inheritDoc} In-process arithmetic: no I/O, no waiting. */
  @Override
  public boolean runsInline() {
    return true;
  }

  /**
   * 0.95 for a text holding an expression and a maths cue, 0.9 for an expression alone, 0.4 for a
   * cue with a number, 0.15 for a cue alone, else 0.
   */
  @Override
  public double canHandle(String task) {
    if (task == null || task.isBlank()) {
      return 0;
    }
    String t = task.toLowerCase(Locale.ROOT);
    boolean cue = CUES.stream().anyMatch(t::contains);
    if (ExpressionFinder.find(task).isPresent()) {
      return cue ? 0.95 : 0.9;
    }
    if (cue) {
      return t.chars().anyMatch(Character::isDigit) ? 0.4 : 0.15;
    }
    return 0;
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) {
    long start = System.nanoTime();
    if (input instanceof InputData.Features f) {
      throw new MoeError.InvalidInput(
          "math expert reads text; got a feature vector of dimension " + f.dimension());
    }
    Optional<ExpressionFinder.Found> found = ExpressionFinder.find(input.toText());
    if (found.isEmpty()) {
      // This expert cannot process it: the router re-routes it to the next-best expert, and the
      // client gets a 422 only when no expert could.
      throw new MoeError.Unprocessable(name + ": no arithmetic expression found in the text");
    }
    MathEvaluator.Result r;
    try {
      r = evaluator.evaluate(found.get().expression(), () -> checkAlive(ctx));
    } catch (MathException e) {
      throw new MoeError.Unprocessable(name + ": " + e.getMessage());
    }
    double confidence = !r.exact() ? 0.7 : found.get().coversText() ? 0.99 : 0.85;
    return new ExpertOut(Value.text(r.formatted()), aux(start, confidence));
  }

  /**
   * @param text a sentence
   * @return the expression this expert would evaluate in it, if any (for explanations and tests)
   */
  public static Optional<String> expressionIn(String text) {
    return ExpressionFinder.find(text).map(ExpressionFinder.Found::expression);
  }

  private static void checkAlive(Context ctx) {
    if (ctx.cancel().isCancelled() || Thread.currentThread().isInterrupted()) {
      throw new MoeError.Cancelled("math");
    }
  }

  private static ExpertAux aux(long startNanos, double confidence) {
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    return new ExpertAux(ms, 0, confidence, null);
  }
}
