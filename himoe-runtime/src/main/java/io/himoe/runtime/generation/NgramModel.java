package io.himoe.runtime.generation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A word-level n-gram language model with back-off: trained by counting which token follows each
 * context of up to {@code maxOrder - 1} tokens; sampling tries the longest context seen in training
 * and backs off to shorter ones, down to unigram frequencies. Tokens are words and the punctuation
 * marks {@code . , ; : ! ?}. Immutable and thread-safe once trained.
 */
public final class NgramModel {

  private static final int BITS = 20;
  private static final String PUNCT = ".,;:!?";

  private record Candidates(int[] tokens, int[] counts, long total) {}

  private final List<String> vocab;
  private final Map<String, Integer> ids;
  private final int maxOrder;
  // Per order (index = order - 1): packed context -> next-token counts.
  private final List<Map<Long, Candidates>> tables;
  private final int maxCandidates;

  private NgramModel(
      List<String> vocab,
      Map<String, Integer> ids,
      int maxOrder,
      List<Map<Long, Candidates>> tables,
      int maxCandidates) {
    this.vocab = vocab;
    this.ids = ids;
    this.maxOrder = maxOrder;
    this.tables = tables;
    this.maxCandidates = maxCandidates;
  }

  /**
   * @return a 4-gram model trained on the bundled corpus (an original text about this project)
   */
  public static NgramModel bundled() {
    try (InputStream in = NgramModel.class.getResourceAsStream("corpus.txt")) {
      if (in == null) {
        throw new IllegalStateException("bundled corpus.txt is missing from the classpath");
      }
      return train(new String(in.readAllBytes(), StandardCharsets.UTF_8), 4);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled corpus", e);
    }
  }

  /**
   * @param corpus the training text, at least two tokens
   * @param maxOrder the longest n-gram, 1..4
   * @return the trained model
   */
  public static NgramModel train(String corpus, int maxOrder) {
    if (maxOrder < 1 || maxOrder > 4) {
      throw new IllegalArgumentException("maxOrder must be in 1..4, got " + maxOrder);
    }
    List<String> toks = tokenize(corpus == null ? "" : corpus);
    if (toks.size() < 2) {
      throw new IllegalArgumentException("corpus has fewer than 2 tokens");
    }
    List<String> vocab = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    int[] seq = new int[toks.size()];
    for (int i = 0; i < seq.length; i++) {
      seq[i] =
          ids.computeIfAbsent(
              toks.get(i),
              w -> {
                vocab.add(w);
                return vocab.size() - 1;
              });
    }
    if (vocab.size() >= 1 << BITS) {
      throw new IllegalArgumentException("vocabulary too large: " + vocab.size());
    }
    List<Map<Long, Candidates>> tables = new ArrayList<>();
    int maxCand = 0;
    for (int order = 1; order <= maxOrder; order++) {
      Map<Long, Map<Integer, Integer>> counts = new HashMap<>();
      for (int i = order - 1; i < seq.length; i++) {
        long key = key(seq, i, order - 1);
        counts.computeIfAbsent(key, k -> new HashMap<>()).merge(seq[i], 1, Integer::sum);
      }
      Map<Long, Candidates> table = new HashMap<>();
      for (var e : counts.entrySet()) {
        Candidates c = freeze(e.getValue());
        table.put(e.getKey(), c);
        maxCand = Math.max(maxCand, c.tokens().length);
      }
      tables.add(table);
    }
    return new NgramModel(List.copyOf(vocab), Map.copyOf(ids), maxOrder, tables, maxCand);
  }

  private static Candidates freeze(Map<Integer, Integer> m) {
    // Sorted by token id so sampling is deterministic for a seed.
    int[] t = m.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    int[] c = new int[t.length];
    long total = 0;
    for (int i = 0; i < t.length; i++) {
      c[i] = Objects.requireNonNull(m.get(t[i]), "a key of m");
      total += c[i];
    }
    return new Candidates(t, c, total);
  }

  // The n tokens before position i, packed with n in the top bits.
  private static long key(int[] seq, int i, int n) {
    long k = n;
    for (int j = i - n; j < i; j++) {
      k = (k << BITS) | seq[j];
    }
    return k;
  }

  static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (Character.isWhitespace(ch) || PUNCT.indexOf(ch) >= 0) {
        if (!w.isEmpty()) {
          out.add(w.toString());
          w.setLength(0);
        }
        if (PUNCT.indexOf(ch) >= 0) {
          out.add(String.valueOf(ch));
        }
      } else {
        w.append(ch);
      }
    }
    if (!w.isEmpty()) {
      out.add(w.toString());
    }
    return out;
  }

  /**
   * @param text some text
   * @return the ids of its in-vocabulary tokens, in order (unknown words are skipped)
   */
  public int[] encode(String text) {
    return tokenize(text).stream().filter(ids::containsKey).mapToInt(ids::get).toArray();
  }

  /**
   * @param id a token id
   * @return its text
   */
  public String token(int id) {
    return vocab.get(id);
  }

  /**
   * @param id a token id
   * @return whether it ends a sentence
   */
  public boolean endsSentence(int id) {
    String t = vocab.get(id);
    return t.equals(".") || t.equals("!") || t.equals("?");
  }

  /**
   * @param id a token id
   * @param first whether it starts the output
   * @return the token as a chunk to append to the text so far ({@code " word"}, {@code "."})
   */
  public String chunk(int id, boolean first) {
    String t = vocab.get(id);
    return first || (t.length() == 1 && PUNCT.contains(t)) ? t : " " + t;
  }

  /**
   * @return distinct tokens
   */
  public int vocabularySize() {
    return vocab.size();
  }

  /**
   * @return the longest n-gram
   */
  public int maxOrder() {
    return maxOrder;
  }

  /**
   * @return the most continuations any context has: the size of the scratch buffer {@link #next}
   *     needs
   */
  public int maxCandidates() {
    return maxCandidates;
  }

  /**
   * Samples the next token.
   *
   * @param history the tokens so far (oldest first)
   * @param length how many of {@code history} are valid
   * @param order the n-gram order to use (clamped to 1..maxOrder): the model tier
   * @param random the random source
   * @param scratch working memory of at least {@link #maxCandidates()} doubles
   * @return the sampled token id
   */
  public int next(int[] history, int length, int order, RandomGenerator random, double[] scratch) {
    int n = Math.max(1, Math.min(order, maxOrder));
    for (int o = Math.min(n, length + 1); o >= 1; o--) {
      Candidates c = tables.get(o - 1).get(key(history, length, o - 1));
      if (c != null) {
        return sample(c, random, scratch);
      }
    }
    throw new IllegalStateException("unigram table is empty");
  }

  private static int sample(Candidates c, RandomGenerator random, double[] cdf) {
    double acc = 0;
    for (int i = 0; i < c.tokens().length; i++) {
      acc += (double) c.counts()[i] / c.total();
      cdf[i] = acc;
    }
    double u = random.nextDouble() * acc;
    for (int i = 0; i < c.tokens().length; i++) {
      if (u < cdf[i]) {
        return c.tokens()[i];
      }
    }
    return c.tokens()[c.tokens().length - 1];
  }
}
