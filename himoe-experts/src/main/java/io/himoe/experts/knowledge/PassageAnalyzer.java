package io.himoe.experts.knowledge;

import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.util.ElisionFilter;

/**
 * One analyzer for English and French text: standard tokens, lower case, French elisions removed
 * ({@code l'index} = {@code index}), English and French stop words and question words dropped,
 * diacritics folded. No stemming: it would be right for one language and wrong for the other; the
 * vector side of the hybrid search covers inflections and paraphrases.
 */
final class PassageAnalyzer extends Analyzer {
  static final CharArraySet STOP_WORDS = stopWords();

  private static CharArraySet stopWords() {
    CharArraySet s = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, true);
    s.addAll(FrenchAnalyzer.getDefaultStopSet());
    // Question and request words carry no topic: without them a question's terms are its topic.
    s.addAll(
        List.of(
            "what",
            "which",
            "who",
            "whom",
            "whose",
            "when",
            "where",
            "why",
            "how",
            "do",
            "does",
            "did",
            "i",
            "you",
            "me",
            "my",
            "we",
            "our",
            "can",
            "could",
            "would",
            "should",
            "tell",
            "about",
            "explain",
            "please",
            "quel",
            "quelle",
            "quels",
            "quelles",
            "quoi",
            "comment",
            "pourquoi",
            "quand",
            "où",
            "combien",
            "explique",
            "expliquer",
            "dis"));
    return CharArraySet.unmodifiableSet(s);
  }

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    StandardTokenizer source = new StandardTokenizer();
    TokenStream ts = new LowerCaseFilter(source);
    ts = new ElisionFilter(ts, FrenchAnalyzer.DEFAULT_ARTICLES);
    ts = new StopFilter(ts, STOP_WORDS);
    ts = new ASCIIFoldingFilter(ts);
    return new TokenStreamComponents(source, ts);
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new ASCIIFoldingFilter(new LowerCaseFilter(in));
  }
}
