package io.himoe.experts.nlp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.shared.Context;
import io.himoe.shared.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import opennlp.tools.langdetect.Language;
import opennlp.tools.langdetect.LanguageDetectorME;

/**
 * Detects the language of a text with OpenNLP's language-detection model (103 languages, an
 * internal backend of this expert). The answer is {@link Value.Json} at schema {@value #SCHEMA}:
 *
 * <pre>{@code
 * {"schema":1, "language":"fra", "iso639_1":"fr", "name":"French", "confidence":0.93,
 *  "alternatives":[{"language":"fra","confidence":0.93}, {"language":"cat", ...}, ...]}
 * }</pre>
 *
 * {@code language} is the model's ISO 639-3 code, {@code iso639_1} the two-letter code when one
 * exists (else absent), {@code alternatives} the top {@value #ALTERNATIVES}. Confidence is the
 * model's probability for the best language; short texts get low probabilities, as they should.
 * Cost is 0 cost units (local).
 */
public final class LanguageDetectorExpert extends OpenNlpTaskExpert {

  /** The schema version of the JSON answer. */
  public static final int SCHEMA = 1;

  /** Longest accepted text, in chars. */
  public static final int MAX_CHARS = 100_000;

  /** How many candidate languages the answer lists. */
  public static final int ALTERNATIVES = 3;

  private static final Pattern TASK_TAG =
      Pattern.compile("^\\s*lang:detect\\b\\s*:?\\s*", Pattern.CASE_INSENSITIVE);
  private static final List<String> CUES =
      List.of(
          "lang:detect",
          "which language",
          "what language",
          "detect the language",
          "detect language",
          "quelle langue",
          "en quelle langue",
          "détecte la langue",
          "detecte la langue");
  private static final Map<String, String> ISO3_TO_ISO1 = iso3ToIso1();

  private LanguageDetectorExpert(String name) {
    super(name, "language detector", TASK_TAG, MAX_CHARS, SCHEMA);
  }

  /**
   * @param name the expert's name
   * @return a language detector (the 10 MB model loads on first use)
   */
  public static LanguageDetectorExpert of(String name) {
    return new LanguageDetectorExpert(name);
  }

  /**
   * @return a language detector named {@code lang_detect}
   */
  public static LanguageDetectorExpert ofDefaults() {
    return of("lang_detect");
  }

  /**
   * Loads the model now rather than on the first request, so its deadline does not pay for it.
   *
   * @return this expert
   */
  public LanguageDetectorExpert warmUp() {
    OpenNlpModels.langDetect();
    return this;
  }

  /** 0.95 for a language-detection cue ({@code lang:detect}, "quelle langue", ...), else 0. */
  @Override
  public double canHandle(String task) {
    return cueScore(task, CUES, 0.95);
  }

  @Override
  Analysis analyse(String text, Context ctx) {
    ctx.checkAlive(name());
    Language[] langs = new LanguageDetectorME(OpenNlpModels.langDetect()).predictLanguages(text);
    Language best = langs[0];
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("schema", SCHEMA).put("language", best.getLang());
    String iso1 = ISO3_TO_ISO1.get(best.getLang());
    if (iso1 != null) {
      root.put("iso639_1", iso1).put("name", Locale.of(iso1).getDisplayLanguage(Locale.ENGLISH));
    }
    root.put("confidence", round(best.getConfidence()));
    ArrayNode alts = root.putArray("alternatives");
    for (int i = 0; i < Math.min(ALTERNATIVES, langs.length); i++) {
      alts.addObject()
          .put("language", langs[i].getLang())
          .put("confidence", round(langs[i].getConfidence()));
    }
    return new Analysis(root, best.getConfidence());
  }

  private static double round(double p) {
    return Math.round(p * 10_000) / 10_000.0;
  }

  private static Map<String, String> iso3ToIso1() {
    Map<String, String> m = new HashMap<>();
    for (String iso1 : Locale.getISOLanguages()) {
      try {
        m.put(Locale.of(iso1).getISO3Language(), iso1);
      } catch (java.util.MissingResourceException e) {
        // No three-letter code for this language: nothing to map.
      }
    }
    // The model uses individual-language codes where Java has the macrolanguage.
    m.put("cmn", "zh");
    m.put("pes", "fa");
    m.put("zsm", "ms");
    m.put("lvs", "lv");
    m.put("ekk", "et");
    return Map.copyOf(m);
  }
}
