package io.himoe.runtime.complexity;

import java.util.Locale;

/**
 * The seed's factor scores, with French cues beside the English ones. Cues match at the start of a
 * word (so {@code optimis} matches "optimise", "optimiser" and "optimisation" but "list" does not
 * match inside "specialist"). Plain string scans, no regular expressions: this runs on every
 * request.
 */
final class PromptFactors {

  private PromptFactors() {}

  // Task cues and their scores; the highest matching score wins (0.5 when none match).
  private static final String[] TASK_CUES = {
    "debug",
    "débog",
    "optimiz",
    "optimis",
    "refactor",
    "solve",
    "résou",
    "résoud",
    "prove",
    "prouve",
    "démontre",
    "analyz",
    "analys",
    "compar",
    "explain",
    "expliqu",
    "summariz",
    "summaris",
    "résum",
    "translat",
    "tradui",
    "list",
    "what is",
    "qu'est-ce",
    "define",
    "défini"
  };
  private static final double[] TASK_SCORES = {
    0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 0.7, 0.7, 0.6, 0.4, 0.4, 0.3, 0.3, 0.3,
    0.3, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1
  };

  private static final String[] REASONING_CUES = {
    "pourquoi",
    "why",
    "how does",
    "comment fonctionne",
    "étape par étape",
    "step by step",
    "raisonne",
    "reason through",
    "think through",
    "algorithm",
    "logique",
    "logic",
    "preuve",
    "proof",
    "démonstration"
  };

  private static final String[] CONSTRAINT_CUES = {
    "sans utiliser",
    "without using",
    "en moins de",
    "in under",
    "optimisé",
    "optimized",
    "optimised",
    "performant",
    "efficient",
    "sécurisé",
    "secure",
    "robuste",
    "robust",
    "production-ready"
  };

  private static final String[] OBLIGATION_CUES = {"doit", "must", "should", "il faut"};
  private static final String[] CODE_CUES = {"function", "class", "const"};

  /**
   * @param prompt the request text
   * @return the score of each {@link ComplexityFactor}, indexed by ordinal
   */
  static double[] score(String prompt) {
    if (prompt == null) {
      throw new IllegalArgumentException("prompt is null");
    }
    String lower = prompt.toLowerCase(Locale.ROOT).replace('’', '\'');
    double[] out = new double[ComplexityFactor.values().length];
    out[ComplexityFactor.LENGTH.ordinal()] = length(prompt);
    out[ComplexityFactor.TASK_TYPE.ordinal()] = taskType(lower);
    out[ComplexityFactor.SPECIFICITY.ordinal()] = specificity(prompt, lower);
    out[ComplexityFactor.REASONING.ordinal()] = Math.min(count(lower, REASONING_CUES) * 0.3, 1.0);
    out[ComplexityFactor.CONSTRAINTS.ordinal()] =
        Math.min(count(lower, CONSTRAINT_CUES) * 0.3, 1.0);
    return out;
  }

  static double length(String prompt) {
    int words = wordCount(prompt);
    if (words < 20) {
      return 0.2;
    }
    if (words < 50) {
      return 0.5;
    }
    return words < 100 ? 0.7 : 1.0;
  }

  static int wordCount(String s) {
    int words = 0;
    boolean inWord = false;
    for (int i = 0; i < s.length(); i++) {
      boolean space = Character.isWhitespace(s.charAt(i));
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
    }
    return words;
  }

  static double taskType(String lower) {
    double best = -1;
    for (int i = 0; i < TASK_CUES.length; i++) {
      if (TASK_SCORES[i] > best && containsWord(lower, TASK_CUES[i])) {
        best = TASK_SCORES[i];
      }
    }
    return best < 0 ? 0.5 : best;
  }

  static double specificity(String prompt, String lower) {
    double score = 0;
    if (hasDigit(prompt)) {
      score += 0.2;
    }
    if (prompt.contains("```") || containsAnyWord(prompt, CODE_CUES)) {
      score += 0.4;
    }
    if (hasAcronym(prompt)) {
      score += 0.2;
    }
    if (containsAnyWord(lower, OBLIGATION_CUES) || hasFrenchNegation(lower)) {
      score += 0.2;
    }
    return Math.min(score, 1.0);
  }

  private static boolean hasDigit(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        return true;
      }
    }
    return false;
  }

  // Two upper-case ASCII letters in a row (API, CPU, SQL...).
  private static boolean hasAcronym(String s) {
    for (int i = 1; i < s.length(); i++) {
      char a = s.charAt(i - 1);
      char b = s.charAt(i);
      if (a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z') {
        return true;
      }
    }
    return false;
  }

  // "ne ... pas" / "n'... pas": a French obligation or prohibition.
  private static boolean hasFrenchNegation(String lower) {
    int ne = indexOfWord(lower, "ne ", 0);
    if (ne < 0) {
      ne = indexOfWord(lower, "n'", 0);
    }
    return ne >= 0 && indexOfWord(lower, "pas", ne + 2) >= 0;
  }

  private static int count(String lower, String[] cues) {
    int n = 0;
    for (String cue : cues) {
      if (containsWord(lower, cue)) {
        n++;
      }
    }
    return n;
  }

  private static boolean containsAnyWord(String s, String[] cues) {
    for (String cue : cues) {
      if (containsWord(s, cue)) {
        return true;
      }
    }
    return false;
  }

  static boolean containsWord(String s, String cue) {
    return indexOfWord(s, cue, 0) >= 0;
  }

  // Index of cue where it starts a word (not preceded by a letter or digit), or -1.
  private static int indexOfWord(String s, String cue, int from) {
    int i = s.indexOf(cue, from);
    while (i >= 0) {
      if (i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1))) {
        return i;
      }
      i = s.indexOf(cue, i + 1);
    }
    return -1;
  }
}
