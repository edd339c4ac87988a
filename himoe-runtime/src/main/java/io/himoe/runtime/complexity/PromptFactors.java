package io.himoe.runtime.complexity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

  private enum Kind {
    TASK,
    REASONING,
    CONSTRAINT,
    OBLIGATION,
    CODE
  }

  private record Cue(String text, Kind kind, double score, int id) {}

  private static final Cue[] CUES;
  // Cues by the first character (Latin-1), so one pass over the word starts finds them all.
  private static final Cue[][] BY_FIRST_CHAR = new Cue[256][];
  private static final int FACTORS = ComplexityFactor.values().length;

  static {
    List<Cue> all = new ArrayList<>();
    for (int i = 0; i < TASK_CUES.length; i++) {
      all.add(new Cue(TASK_CUES[i], Kind.TASK, TASK_SCORES[i], all.size()));
    }
    for (String c : REASONING_CUES) {
      all.add(new Cue(c, Kind.REASONING, 0, all.size()));
    }
    for (String c : CONSTRAINT_CUES) {
      all.add(new Cue(c, Kind.CONSTRAINT, 0, all.size()));
    }
    for (String c : OBLIGATION_CUES) {
      all.add(new Cue(c, Kind.OBLIGATION, 0, all.size()));
    }
    for (String c : CODE_CUES) {
      all.add(new Cue(c, Kind.CODE, 0, all.size()));
    }
    CUES = all.toArray(Cue[]::new);
    Map<Character, List<Cue>> buckets = new HashMap<>();
    for (Cue c : CUES) {
      buckets.computeIfAbsent(c.text().charAt(0), k -> new ArrayList<>()).add(c);
    }
    buckets.forEach((ch, list) -> BY_FIRST_CHAR[ch] = list.toArray(Cue[]::new));
  }

  /**
   * @param prompt the request text
   * @return the score of each {@link ComplexityFactor}, indexed by ordinal
   */
  static double[] score(String prompt) {
    if (prompt == null) {
      throw new IllegalArgumentException("prompt is null");
    }
    String lower = prompt.toLowerCase(Locale.ROOT).replace('’', '\'');
    boolean[] hit = new boolean[CUES.length];
    int words = scanWordStarts(lower, hit);
    double task = -1;
    int reasoning = 0;
    int constraints = 0;
    boolean obligation = false;
    boolean code = false;
    for (Cue c : CUES) {
      if (!hit[c.id()]) {
        continue;
      }
      switch (c.kind()) {
        case TASK -> task = Math.max(task, c.score());
        case REASONING -> reasoning++;
        case CONSTRAINT -> constraints++;
        case OBLIGATION -> obligation = true;
        case CODE -> code = true;
      }
    }
    double[] out = new double[FACTORS];
    out[ComplexityFactor.LENGTH.ordinal()] = lengthScore(words);
    out[ComplexityFactor.TASK_TYPE.ordinal()] = task < 0 ? 0.5 : task;
    out[ComplexityFactor.SPECIFICITY.ordinal()] =
        specificity(prompt, lower, code, obligation || hasFrenchNegation(lower));
    out[ComplexityFactor.REASONING.ordinal()] = Math.min(reasoning * 0.3, 1.0);
    out[ComplexityFactor.CONSTRAINTS.ordinal()] = Math.min(constraints * 0.3, 1.0);
    return out;
  }

  // Marks the cues found at word starts; returns the number of words (whitespace-separated).
  private static int scanWordStarts(String lower, boolean[] hit) {
    int words = 0;
    boolean inWord = false;
    boolean prevAlnum = false;
    for (int i = 0; i < lower.length(); i++) {
      char ch = lower.charAt(i);
      boolean space = Character.isWhitespace(ch);
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
      if (!prevAlnum && ch < 256) {
        Cue[] bucket = BY_FIRST_CHAR[ch];
        if (bucket != null) {
          for (Cue c : bucket) {
            if (!hit[c.id()] && lower.startsWith(c.text(), i)) {
              hit[c.id()] = true;
            }
          }
        }
      }
      prevAlnum = Character.isLetterOrDigit(ch);
    }
    return words;
  }

  private static double lengthScore(int words) {
    if (words < 20) {
      return 0.2;
    }
    if (words < 50) {
      return 0.5;
    }
    return words < 100 ? 0.7 : 1.0;
  }

  private static double specificity(
      String prompt, String lower, boolean codeWord, boolean obligation) {
    double score = 0;
    if (hasDigit(prompt)) {
      score += 0.2;
    }
    if (codeWord || lower.contains("```")) {
      score += 0.4;
    }
    if (hasAcronym(prompt)) {
      score += 0.2;
    }
    if (obligation) {
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
