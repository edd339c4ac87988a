package io.himoe.experts.nlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule tokenizer for French (OpenNLP ships no French tokenizer model), following the Universal
 * Dependencies French GSD conventions the POS model was trained on:
 *
 * <ul>
 *   <li>elisions split after the apostrophe ({@code l'homme} = {@code l'} {@code homme}, {@code
 *       qu'il}, {@code jusqu'à}, {@code lorsqu'on}), straight or typographic ({@code ’}); words
 *       where the apostrophe is part of the word stay whole ({@code aujourd'hui}, {@code
 *       quelqu'un}, {@code presqu'île});
 *   <li>hyphenated compounds stay whole ({@code peut-être}, {@code arc-en-ciel}) but inverted
 *       clitics split off ({@code dit-il} = {@code dit} {@code -il}, {@code va-t-on} = {@code va}
 *       {@code -t-on}, {@code donne-le-moi} = {@code donne} {@code -le} {@code -moi});
 *   <li>numbers stay whole with decimal commas or points and space-grouped thousands ({@code 3,5},
 *       {@code 1 000 000}, {@code 12h30}, ordinals {@code 1er}, {@code 2e}); URLs and e-mail
 *       addresses stay whole;
 *   <li>known abbreviations keep their period ({@code M.}, {@code etc.}, {@code p.}); an ellipsis
 *       and runs of {@code ?!} are one token; every other punctuation mark or symbol is a token.
 * </ul>
 *
 * Offsets refer to the original text. Thread-safe (stateless).
 */
final class FrenchTokenizer {

  private static final Set<String> ELIDED =
      Set.of(
          "l", "d", "j", "m", "n", "s", "t", "c", "ç", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu");
  private static final Set<String> APOSTROPHE_WORDS =
      Set.of(
          "aujourd'hui",
          "quelqu'un",
          "quelqu'une",
          "quelqu'uns",
          "prud'homme",
          "prud'hommes",
          "presqu'île",
          "presqu'îles",
          "entr'ouvert");
  private static final Set<String> CLITICS =
      Set.of(
          "je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "moi", "toi", "lui",
          "leur", "le", "la", "les", "en", "y", "ce");
  private static final Set<String> HYPHEN_WORDS =
      Set.of("rendez-vous", "chez-moi", "chez-soi", "chez-nous", "chez-vous", "m'as-tu-vu");
  private static final Set<String> ABBREVIATIONS =
      Set.of(
          "m", "mm", "mme", "mmes", "mlle", "mlles", "dr", "pr", "me", "st", "ste", "etc", "cf",
          "p", "pp", "ex", "av", "bd", "fig", "vol", "chap", "éd", "env", "min", "max", "tél", "n°",
          "no", "art", "al");
  private static final Pattern URL =
      Pattern.compile("(?:https?://|www\\.)[^\\s<>\"«»]+|[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+");
  private static final Pattern NUMBER =
      Pattern.compile(
          "\\d+(?:[ \\u00A0\\u202F]\\d{3}(?!\\d))*(?:[.,:h]\\d+)*(?:er|re|ère|ème|eme|e|nd|nde)?(?![\\p{L}\\d])"
              + "|\\d+(?:[.,]\\d+)*");

  private FrenchTokenizer() {}

  /**
   * @param text the text
   * @return its tokens in order
   */
  static List<TokenSpan> tokenize(String text) {
    List<TokenSpan> out = new ArrayList<>();
    Matcher url = URL.matcher(text);
    Matcher num = NUMBER.matcher(text);
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        i++;
      } else if (startsAt(url, i, n)) {
        int end = trimTrailingPunct(text, i, url.end());
        out.add(span(text, i, end));
        i = end;
      } else if (Character.isDigit(c) && startsAt(num, i, n)) {
        out.add(span(text, i, num.end()));
        i = num.end();
      } else if (Character.isLetterOrDigit(c)) {
        i = word(text, i, out);
      } else if (c == '.' || c == '!' || c == '?' || c == '…') {
        int j = i + 1;
        while (j < n && ".!?…".indexOf(text.charAt(j)) >= 0) {
          j++;
        }
        out.add(span(text, i, j));
        i = j;
      } else {
        int j = i + Character.charCount(text.codePointAt(i));
        out.add(span(text, i, j));
        i = j;
      }
    }
    return out;
  }

  private static boolean startsAt(Matcher m, int i, int n) {
    return m.region(i, n).lookingAt() && m.end() > i;
  }

  /** A run of letters, digits, inner hyphens and apostrophes, then split by the rules above. */
  private static int word(String text, int start, List<TokenSpan> out) {
    int n = text.length();
    int end = start;
    while (end < n) {
      char c = text.charAt(end);
      boolean inner =
          (c == '-' || isApostrophe(c))
              && end + 1 < n
              && Character.isLetterOrDigit(text.charAt(end + 1));
      if (Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK) {
        end++;
      } else if (inner) {
        end++;
      } else if (isApostrophe(c) && isElision(text, start, end)) {
        // "l' homme" or a quote right after: the elided article is still a token.
        end++;
        break;
      } else {
        break;
      }
    }
    splitWord(text, start, end, out);
    // Keep the period of a known abbreviation ("M.", "etc.").
    int last = out.size() - 1;
    if (end < n && text.charAt(end) == '.' && !(end + 1 < n && text.charAt(end + 1) == '.')) {
      String w = out.get(last).text().toLowerCase(Locale.ROOT);
      if (ABBREVIATIONS.contains(w)) {
        TokenSpan t = out.remove(last);
        out.add(span(text, t.start(), end + 1));
        return end + 1;
      }
    }
    return end;
  }

  private static void splitWord(String text, int start, int end, List<TokenSpan> out) {
    int s = start;
    // Elisions from the left: "qu'il", "jusqu'à", "s'l'..." (repeated is rare but harmless).
    while (true) {
      String rest = normalizeApostrophes(text.substring(s, end)).toLowerCase(Locale.ROOT);
      if (APOSTROPHE_WORDS.contains(rest)) {
        break;
      }
      int apo = firstApostrophe(text, s, end);
      if (apo < 0 || !ELIDED.contains(text.substring(s, apo).toLowerCase(Locale.ROOT))) {
        break;
      }
      out.add(span(text, s, apo + 1));
      s = apo + 1;
      if (s >= end) {
        return;
      }
    }
    // Inverted clitics from the right: "donne-le-moi", "va-t-il".
    List<TokenSpan> tail = new ArrayList<>();
    int e = end;
    while (!HYPHEN_WORDS.contains(text.substring(s, e).toLowerCase(Locale.ROOT))) {
      int h = text.lastIndexOf('-', e - 1);
      if (h <= s) {
        break;
      }
      String clitic = text.substring(h + 1, e).toLowerCase(Locale.ROOT);
      if (!CLITICS.contains(clitic)) {
        break;
      }
      int from = h;
      if (h - 2 > s && text.charAt(h - 1) == 't' && text.charAt(h - 2) == '-') {
        from = h - 2; // euphonic t: "-t-il" is one token
      }
      tail.addFirst(span(text, from, e));
      e = from;
    }
    if (e > s) {
      out.add(span(text, s, e));
    }
    out.addAll(tail);
  }

  private static boolean isElision(String text, int start, int end) {
    return ELIDED.contains(text.substring(start, end).toLowerCase(Locale.ROOT));
  }

  private static int firstApostrophe(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (isApostrophe(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isApostrophe(char c) {
    return c == '\'' || c == '’' || c == 'ʼ';
  }

  private static String normalizeApostrophes(String s) {
    return s.replace('’', '\'').replace('ʼ', '\'');
  }

  private static int trimTrailingPunct(String text, int start, int end) {
    while (end > start && ".,;:!?)]}»\"'".indexOf(text.charAt(end - 1)) >= 0) {
      end--;
    }
    return end;
  }

  private static TokenSpan span(String text, int start, int end) {
    return new TokenSpan(text.substring(start, end), start, end);
  }
}
