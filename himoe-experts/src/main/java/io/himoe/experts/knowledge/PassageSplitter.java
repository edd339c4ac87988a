package io.himoe.experts.knowledge;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a document into passages: paragraphs (blank-line separated) merged up to {@value
 * #TARGET_CHARS} chars, and a paragraph longer than {@value #MAX_CHARS} cut at sentence ends. A
 * Markdown heading ({@code # ...}) starts a new passage and becomes the title of those below it.
 */
final class PassageSplitter {
  static final int TARGET_CHARS = 600;
  static final int MAX_CHARS = 1000;

  /** Bumped when the splitting changes, so existing indexes are rebuilt. */
  static final int VERSION = 1;

  private PassageSplitter() {}

  static List<Passage> split(String source, String content) {
    List<Passage> out = new ArrayList<>();
    String fallbackTitle = source.substring(source.lastIndexOf('/') + 1);
    String title = fallbackTitle;
    StringBuilder cur = new StringBuilder();
    for (String para : paragraphs(content)) {
      if (para.startsWith("#")) {
        flush(out, source, title, cur);
        title = para.replaceFirst("^#+\\s*", "").strip();
        if (title.isEmpty()) {
          title = fallbackTitle;
        }
        continue;
      }
      for (String piece : cut(para)) {
        if (!cur.isEmpty() && cur.length() + piece.length() > TARGET_CHARS) {
          flush(out, source, title, cur);
        }
        if (!cur.isEmpty()) {
          cur.append('\n');
        }
        cur.append(piece);
      }
    }
    flush(out, source, title, cur);
    return out;
  }

  /** Paragraphs; a heading line is its own paragraph even without a blank line after it. */
  private static List<String> paragraphs(String content) {
    List<String> out = new ArrayList<>();
    StringBuilder p = new StringBuilder();
    for (String line : content.split("\\R", -1)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        if (!p.isEmpty()) {
          out.add(p.toString());
          p.setLength(0);
        }
        if (!l.isEmpty()) {
          out.add(l);
        }
      } else {
        if (!p.isEmpty()) {
          p.append(' ');
        }
        p.append(l);
      }
    }
    if (!p.isEmpty()) {
      out.add(p.toString());
    }
    return out;
  }

  private static List<String> cut(String para) {
    if (para.length() <= MAX_CHARS) {
      return List.of(para);
    }
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String sentence : para.split("(?<=[.!?])\\s+")) {
      if (!cur.isEmpty() && cur.length() + sentence.length() > TARGET_CHARS) {
        out.add(cur.toString());
        cur.setLength(0);
      }
      if (!cur.isEmpty()) {
        cur.append(' ');
      }
      // A "sentence" with no end mark can still be huge: hard-cut it.
      while (sentence.length() > MAX_CHARS) {
        out.add(sentence.substring(0, MAX_CHARS));
        sentence = sentence.substring(MAX_CHARS);
      }
      cur.append(sentence);
    }
    if (!cur.isEmpty()) {
      out.add(cur.toString());
    }
    return out;
  }

  private static void flush(List<Passage> out, String source, String title, StringBuilder cur) {
    if (!cur.isEmpty()) {
      out.add(new Passage(source, title, out.size(), cur.toString()));
      cur.setLength(0);
    }
  }
}
