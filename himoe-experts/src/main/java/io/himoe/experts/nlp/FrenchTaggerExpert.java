package io.himoe.experts.nlp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.shared.Context;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import opennlp.tools.postag.POSTaggerME;
import opennlp.tools.sentdetect.SentenceDetectorME;
import opennlp.tools.util.Span;

/**
 * The seed's {@code nlp_french_tagger}: part-of-speech tags for French text (tasks {@code fr:tag}
 * and {@code fr:pos}). Sentences come from OpenNLP's French sentence model, tokens from {@link
 * FrenchTokenizer}, tags (Universal Dependencies UPOS: {@code DET NOUN VERB ADP PRON PUNCT ...})
 * from OpenNLP's French UD-GSD maxent model. The models are internal backends of this expert.
 *
 * <p>The answer is {@link Value.Json} at schema {@value #SCHEMA}:
 *
 * <pre>{@code
 * {"schema":1, "language":"fr", "tagset":"UD",
 *  "sentences":[{"text":"Le chat dort.", "start":0, "end":13,
 *                "tokens":[{"text":"Le","tag":"DET","start":0,"end":2,"p":0.99}, ...]}]}
 * }</pre>
 *
 * Offsets are char indices in the input text after the task tag ({@code fr:tag }) is removed.
 * Confidence is the mean probability the model gave its chosen tags; cost is 0 cost units (local).
 */
public final class FrenchTaggerExpert extends OpenNlpTaskExpert {

  /** The schema version of the JSON answer. */
  public static final int SCHEMA = 1;

  /** Longest accepted text, in chars; longer input is refused rather than silently cut. */
  public static final int MAX_CHARS = 100_000;

  private static final Pattern TASK_TAG =
      Pattern.compile("^\\s*fr:(?:tag|pos)\\b\\s*:?\\s*", Pattern.CASE_INSENSITIVE);
  private static final List<String> CUES =
      List.of(
          "étiquet",
          "etiquet",
          "pos tag",
          "part-of-speech",
          "part of speech",
          "analyse grammaticale",
          "nature des mots",
          "catégorie grammaticale",
          "categorie grammaticale");

  private FrenchTaggerExpert(String name) {
    super(name, "french tagger", TASK_TAG, MAX_CHARS, SCHEMA);
  }

  /**
   * @param name the expert's name
   * @return a tagger expert (models load on first use)
   */
  public static FrenchTaggerExpert of(String name) {
    return new FrenchTaggerExpert(name);
  }

  /**
   * @return a tagger expert named {@code nlp_french_tagger}
   */
  public static FrenchTaggerExpert ofDefaults() {
    return of("nlp_french_tagger");
  }

  /**
   * Loads the model now rather than on the first request, so its deadline does not pay for it.
   *
   * @return this expert
   */
  public FrenchTaggerExpert warmUp() {
    OpenNlpModels.posFr();
    OpenNlpModels.sentencesFr();
    return this;
  }

  /** 0.98 for the task tags {@code fr:tag}/{@code fr:pos}, 0.7 for a tagging cue word, else 0. */
  @Override
  public double canHandle(String task) {
    String t = task == null ? "" : task.toLowerCase(Locale.ROOT);
    if (t.contains("fr:tag") || t.contains("fr:pos")) {
      return 0.98;
    }
    return cueScore(task, CUES, 0.7);
  }

  @Override
  Analysis analyse(String text, Context ctx) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("schema", SCHEMA).put("language", "fr").put("tagset", "UD");
    ArrayNode sentences = root.putArray("sentences");
    SentenceDetectorME detector = new SentenceDetectorME(OpenNlpModels.sentencesFr());
    POSTaggerME tagger = new POSTaggerME(OpenNlpModels.posFr());
    double probSum = 0;
    int tokenCount = 0;
    for (Span s : detector.sentPosDetect(text)) {
      if (ctx.cancel().isCancelled() || Thread.currentThread().isInterrupted()) {
        throw new MoeError.Cancelled(name());
      }
      List<TokenSpan> tokens = FrenchTokenizer.tokenize(text.substring(s.getStart(), s.getEnd()));
      if (tokens.isEmpty()) {
        continue;
      }
      String[] words = tokens.stream().map(TokenSpan::text).toArray(String[]::new);
      String[] tags = tagger.tag(words);
      double[] probs = tagger.probs();
      ObjectNode sentence = sentences.addObject();
      sentence.put("text", s.getCoveredText(text).toString());
      sentence.put("start", s.getStart()).put("end", s.getEnd());
      ArrayNode out = sentence.putArray("tokens");
      for (int i = 0; i < words.length; i++) {
        TokenSpan t = tokens.get(i);
        out.addObject()
            .put("text", t.text())
            .put("tag", tags[i])
            .put("start", s.getStart() + t.start())
            .put("end", s.getStart() + t.end())
            .put("p", Math.round(probs[i] * 1000) / 1000.0);
        probSum += probs[i];
      }
      tokenCount += words.length;
    }
    if (tokenCount == 0) {
      throw new MoeError.InvalidInput(name() + ": no token to tag in the text");
    }
    return new Analysis(root, probSum / tokenCount);
  }
}
