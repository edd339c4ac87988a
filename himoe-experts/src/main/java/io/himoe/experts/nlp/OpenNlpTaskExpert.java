package io.himoe.experts.nlp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the OpenNLP task experts share: a name, a task tag stripped from the text, a length limit,
 * cue words for {@link #canHandle}, and the answer as versioned JSON with the model's confidence,
 * timed, at 0 cost units (local). Each expert says only how it analyses the text.
 */
abstract sealed class OpenNlpTaskExpert implements Expert
    permits FrenchTaggerExpert, LanguageDetectorExpert {

  /** One analysis: the JSON answer and the model's confidence in it, in [0, 1]. */
  record Analysis(ObjectNode json, double confidence) {}

  private final String name;
  private final Pattern taskTag;
  private final int maxChars;
  private final int schema;

  OpenNlpTaskExpert(String name, String kind, Pattern taskTag, int maxChars, int schema) {
    this.name = TaskText.requireName(name, kind);
    this.taskTag = taskTag;
    this.maxChars = maxChars;
    this.schema = schema;
  }

  @Override
  public final String name() {
    return name;
  }

  /** {@inheritDoc} An OpenNLP model run in process on a bounded text: no I/O, no waiting. */
  @Override
  public final boolean runsInline() {
    return true;
  }

  /**
   * @param text the input's text without its task tag, within the length limit
   * @param ctx the request context
   * @return the answer and its confidence
   */
  abstract Analysis analyse(String text, Context ctx);

  @Override
  public final ExpertOut infer(InputData input, Context ctx) {
    long start = System.nanoTime();
    Analysis a = analyse(TaskText.of(name, input, taskTag, maxChars), ctx);
    long ms = (System.nanoTime() - start) / 1_000_000;
    double confidence = Math.clamp(a.confidence(), 0.0, 1.0);
    return new ExpertOut(Value.json(schema, a.json()), new ExpertAux(ms, 0, confidence, null));
  }

  /**
   * @param task a task description, possibly null
   * @param cues lower-case cue words
   * @param score the score when one appears
   * @return {@code score} when the task contains a cue, else 0
   */
  static double cueScore(String task, List<String> cues, double score) {
    if (task == null) {
      return 0;
    }
    String t = task.toLowerCase(Locale.ROOT);
    return cues.stream().anyMatch(t::contains) ? score : 0;
  }
}
