package io.himoe.experts.math;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the arithmetic expression in a sentence ("combien font 12*(3+4) ?", "what is 2 to the power
 * of 10"): rewrites English and French operator words and Unicode symbols into operators, then
 * keeps the maximal runs made only of numbers, operators, parentheses and known function or
 * constant names, and picks the one with the most operators.
 */
final class ExpressionFinder {

  /** An expression and whether it holds every number of the text (the question is all maths). */
  record Found(String expression, boolean coversText) {}

  /**
   * A rewrite, tried only when the lower-cased text contains one of its triggers: a literal that
   * every match of the pattern contains. Most texts hold none of the operator words, so the cheap
   * trigger scan ({@link TextScan.Triggers}) spares the regex scans.
   */
  private record Rewrite(Pattern pattern, String replacement, List<String> triggers) {}

  private static final String W = "(?<![\\p{L}])";
  private static final String WE = "(?![\\p{L}])";
  private static final List<Rewrite> REWRITES =
      List.of(
          rw("\\*\\*", "^", "**"),
          rw("[×·∙✕]", "*", "×", "·", "∙", "✕"),
          rw("÷", "/", "÷"),
          rw("[−–]", "-", "−", "–"),
          rw("²", "^2", "²"),
          rw("³", "^3", "³"),
          rw("π", " pi ", "π"),
          rw("√", " sqrt ", "√"),
          rw("(\\d+(?:\\.\\d+)?)\\s*%\\s*(?:of|de|des|du)" + WE, "($1/100)*", "%"),
          rw(
              W + "(?:square root of|the square root of|racine carr[ée]e de|racine de)" + WE,
              " sqrt ",
              "square root",
              "racine"),
          rw(
              W
                  + "(?:to the power of|raised to the power of|raised to|à la puissance|a la puissance|puissance)"
                  + WE,
              " ^ ",
              "power",
              "raised",
              "puissance"),
          rw(W + "(?:squared|au carr[ée])" + WE, " ^2 ", "squared", "carr"),
          rw(W + "(?:cubed|au cube)" + WE, " ^3 ", "cube"),
          rw(
              W + "(?:multiplied by|multipli[ée] par|times|fois)" + WE,
              " * ",
              "multipli",
              "times",
              "fois"),
          rw(W + "(?:divided by|divis[ée] par)" + WE, " / ", "divi"),
          rw("(\\d)\\s*sur\\s*(?=[\\d(])", "$1 / ", "sur"),
          rw(W + "plus" + WE, " + ", "plus"),
          rw(W + "(?:minus|moins)" + WE, " - ", "minus", "moins"),
          rw(W + "(?:modulo|mod)" + WE, " % ", "mod"),
          rw("(\\d)\\s*[x]\\s*(?=\\d)", "$1*", "x"),
          rw(
              W + "(sqrt|abs|floor|ceil|trunc|fact)\\s+(-?\\d+(?:[.,]\\d+)?)",
              "$1($2)",
              "sqrt",
              "abs",
              "floor",
              "ceil",
              "trunc",
              "fact"));

  private static final TextScan.Triggers TRIGGERS =
      new TextScan.Triggers(REWRITES.stream().map(Rewrite::triggers).toList());
  private static final Pattern DECIMAL_COMMA = Pattern.compile("(\\d),(\\d)");
  private static final Pattern CALL = Pattern.compile("\\p{L}\\s*\\(");
  private static final List<String> NAMES;

  static {
    List<String> names = new ArrayList<>(Functions.NAMES);
    names.add("pi");
    names.add("e");
    NAMES = List.copyOf(names);
  }

  private ExpressionFinder() {}

  private static Rewrite rw(String regex, String replacement, String... triggers) {
    return new Rewrite(
        Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
        replacement,
        List.of(triggers));
  }

  static Optional<Found> find(String text) {
    String s = normalize(text);
    List<String> runs = runs(s);
    String best = null;
    int bestOps = 0;
    for (String run : splitTopLevel(runs)) {
      String r = trim(run);
      // Dates and phone or reference numbers look like sums but are not questions about them.
      if (r.isEmpty() || TextScan.isDate(r)) {
        continue;
      }
      int ops = operators(r);
      if (ops > bestOps || (ops == bestOps && best != null && r.length() > best.length())) {
        best = r;
        bestOps = ops;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    return Optional.of(new Found(best, TextScan.numbers(best) >= TextScan.numbers(s)));
  }

  static String normalize(String text) {
    return normalize(text, false);
  }

  /**
   * @param text a sentence
   * @param everyRewrite try every rewrite, triggered or not (the reference the triggers must match)
   * @return the text with operator words and symbols rewritten
   */
  static String normalize(String text, boolean everyRewrite) {
    String s = text.toLowerCase(Locale.ROOT);
    // The patterns ignore case the Unicode way: after lower-casing, only the dotless i and the
    // long s still match a letter of a trigger case-insensitively without containing it.
    boolean all = everyRewrite || s.indexOf('\u0131') >= 0 || s.indexOf('\u017f') >= 0;
    long triggered = all ? -1L : TRIGGERS.in(s);
    for (int k = 0; k < REWRITES.size(); k++) {
      Rewrite r = REWRITES.get(k);
      if ((triggered & (1L << k)) != 0) {
        String rewritten = r.pattern().matcher(s).replaceAll(r.replacement());
        // A rewrite can write a later one's trigger ("√" becomes " sqrt "): scan the new text.
        if (!all && !rewritten.equals(s)) {
          triggered = TRIGGERS.in(rewritten);
        }
        s = rewritten;
      }
    }
    // Outside function calls, "3,5" is the French decimal comma; inside, commas split arguments.
    if (s.indexOf(',') >= 0 && !CALL.matcher(s).find()) {
      s = DECIMAL_COMMA.matcher(s).replaceAll("$1.$2");
    }
    return s;
  }

  /** Maximal runs of maths characters and known names; anything else ends a run. */
  private static List<String> runs(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isLetter(c)) {
        int j = i;
        while (j < s.length() && Character.isLetter(s.charAt(j))) {
          j++;
        }
        String word = s.substring(i, j);
        boolean afterDigit = i > 0 && Character.isDigit(s.charAt(i - 1));
        if (NAMES.contains(word) && !(word.equals("e") && afterDigit)) {
          cur.append(word);
        } else {
          flush(cur, out);
        }
        i = j;
      } else if (Lexer.isDigit(c) || "+-*/^%!().,; \t".indexOf(c) >= 0) {
        cur.append(c);
        i++;
      } else {
        flush(cur, out);
        i++;
      }
    }
    flush(cur, out);
    return out;
  }

  /** Commas and semicolons outside parentheses separate expressions ("2+2, 3*3"). */
  private static List<String> splitTopLevel(List<String> runs) {
    List<String> out = new ArrayList<>();
    for (String run : runs) {
      int depth = 0;
      int start = 0;
      for (int i = 0; i < run.length(); i++) {
        char c = run.charAt(i);
        if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
        } else if ((c == ',' || c == ';') && depth <= 0) {
          out.add(run.substring(start, i));
          start = i + 1;
        }
      }
      out.add(run.substring(start));
    }
    return out;
  }

  private static void flush(StringBuilder cur, List<String> out) {
    if (!cur.isEmpty()) {
      out.add(cur.toString());
      cur.setLength(0);
    }
  }

  /** Drops what cannot start or end an expression and parentheses left unbalanced by the cut. */
  private static String trim(String run) {
    String r = run.strip();
    boolean changed = true;
    while (changed && !r.isEmpty()) {
      changed = false;
      char first = r.charAt(0);
      char last = r.charAt(r.length() - 1);
      if ("*/^%!),.;".indexOf(first) >= 0 || (first == '(' && unmatchedOpen(r))) {
        r = r.substring(1).strip();
        changed = true;
      } else if ("+-*/^%(,.;".indexOf(last) >= 0 || (last == ')' && unmatchedClose(r))) {
        r = r.substring(0, r.length() - 1).strip();
        changed = true;
      }
    }
    return r;
  }

  private static boolean unmatchedOpen(String r) {
    return depth(r) > 0;
  }

  private static boolean unmatchedClose(String r) {
    return depth(r) < 0;
  }

  private static int depth(String r) {
    int d = 0;
    for (int i = 0; i < r.length(); i++) {
      if (r.charAt(i) == '(') {
        d++;
      } else if (r.charAt(i) == ')') {
        d--;
      }
    }
    return d;
  }

  /** Binary operators and function calls: what makes a run a computation, not a bare number. */
  private static int operators(String r) {
    int n = 0;
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      if ("+*/^%!".indexOf(c) >= 0 || (c == '-' && i > 0) || c == '(') {
        n++;
      }
    }
    return n;
  }
}
