package io.himoe.experts.llm;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A keyword self-assessment, as in seed 002's {@code can_handle}: each keyword found in the task
 * adds {@code perHit}, any marker (e.g. a code fence) adds {@code markerBonus} once, a long task
 * adds {@code longTaskBonus}; the sum is capped at 1. Single words match whole words only (so
 * {@code "how"} does not match "show"); phrases match as substrings. Matching ignores case but not
 * accents: list both {@code "créer"} and {@code "creer"} when both spellings occur.
 *
 * @param keywords words or phrases, lower case (English and French for the built-in skills)
 * @param perHit score added per keyword found, in [0, 1]
 * @param markers substrings that strongly signal the domain (matched case-sensitively)
 * @param markerBonus score added when any marker is found, in [0, 1]
 * @param longTaskWords a task with more words than this gets {@code longTaskBonus}; 0 disables
 * @param longTaskBonus score added for a long task, in [0, 1]
 */
public record KeywordSkill(
    List<String> keywords,
    double perHit,
    List<String> markers,
    double markerBonus,
    int longTaskWords,
    double longTaskBonus) {

  /** Validates and copies the lists. */
  public KeywordSkill {
    keywords = keywords.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
    markers = List.copyOf(markers);
    unit("perHit", perHit);
    unit("markerBonus", markerBonus);
    unit("longTaskBonus", longTaskBonus);
    if (longTaskWords < 0) {
      throw new IllegalArgumentException("longTaskWords must be >= 0, got " + longTaskWords);
    }
  }

  /**
   * @return seed 002's coding keywords (write, code, function, debug, ...) in English and French,
   *     0.15 per hit, +0.3 for a code fence or a definition
   */
  public static KeywordSkill coding() {
    return new KeywordSkill(
        List.of(
            "write",
            "code",
            "function",
            "class",
            "implement",
            "debug",
            "fix",
            "error",
            "refactor",
            "optimize",
            "compile",
            "bug",
            "stack trace",
            "exception",
            "écris",
            "écrire",
            "fonction",
            "classe",
            "implémente",
            "implémenter",
            "corrige",
            "corriger",
            "erreur",
            "refactoriser",
            "optimiser",
            "déboguer",
            "programme"),
        0.15,
        List.of("```", "def ", "public class ", "function(", "=>", "#include"),
        0.3,
        0,
        0);
  }

  /**
   * @return seed 002's reasoning indicators (why, how, explain, compare, trade-off, ...) in English
   *     and French, 0.12 per hit, +0.2 for a task of more than 20 words
   */
  public static KeywordSkill reasoning() {
    return new KeywordSkill(
        List.of(
            "why",
            "how",
            "explain",
            "analyze",
            "analyse",
            "reason",
            "compare",
            "evaluate",
            "assess",
            "understand",
            "what if",
            "trade-off",
            "pros and cons",
            "pourquoi",
            "comment",
            "explique",
            "expliquer",
            "analyser",
            "raisonne",
            "comparer",
            "évaluer",
            "comprendre",
            "et si",
            "compromis",
            "avantages et inconvénients"),
        0.12,
        List.of(),
        0,
        20,
        0.2);
  }

  /**
   * @return planning keywords (plan, steps, schedule, roadmap, ...) in English and French, 0.15 per
   *     hit, +0.2 for a numbered list
   */
  public static KeywordSkill planning() {
    return new KeywordSkill(
        List.of(
            "plan",
            "steps",
            "step by step",
            "schedule",
            "roadmap",
            "milestone",
            "organize",
            "prioritize",
            "timeline",
            "first",
            "then",
            "planifier",
            "planning",
            "étapes",
            "étape par étape",
            "calendrier",
            "feuille de route",
            "jalon",
            "organiser",
            "prioriser",
            "d'abord",
            "ensuite",
            "puis"),
        0.15,
        List.of("1.", "1)"),
        0.2,
        0,
        0);
  }

  /**
   * @param task the task text
   * @return the self-assessed confidence in [0, 1]
   */
  public double score(String task) {
    Objects.requireNonNull(task, "task");
    String lower = task.toLowerCase(Locale.ROOT);
    double s = 0;
    for (String k : keywords) {
      if (contains(lower, k)) {
        s += perHit;
      }
    }
    for (String m : markers) {
      if (task.contains(m)) {
        s += markerBonus;
        break;
      }
    }
    if (longTaskWords > 0 && task.strip().split("\\s+").length > longTaskWords) {
      s += longTaskBonus;
    }
    return Math.min(1.0, s);
  }

  private static boolean contains(String text, String keyword) {
    if (keyword.indexOf(' ') >= 0 || keyword.indexOf('-') >= 0) {
      return text.contains(keyword);
    }
    int from = 0;
    while (true) {
      int i = text.indexOf(keyword, from);
      if (i < 0) {
        return false;
      }
      int end = i + keyword.length();
      if ((i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))
          && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
        return true;
      }
      from = i + 1;
    }
  }

  private static void unit(String field, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(field + " must be in [0, 1], got " + v);
    }
  }
}
