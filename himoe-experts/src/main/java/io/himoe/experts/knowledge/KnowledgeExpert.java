package io.himoe.experts.knowledge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertFeedback;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.LearningExpert;
import io.himoe.experts.encoders.SentenceEncoder;
import io.himoe.experts.encoders.SentenceModel;
import io.himoe.shared.Context;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TtlLruCache;
import io.himoe.shared.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code knowledge} expert (seed 002's KnowledgeExpert): answers with the passages of a folder
 * of documents ({@code .md}, {@code .markdown}, {@code .txt}, UTF-8) that best match the question.
 *
 * <p>Retrieval is hybrid: BM25 over analysed text (English and French stop words, elisions and
 * diacritics handled) and HNSW kNN over the passages' vectors from the given {@link Encoder}, fused
 * by reciprocal rank (k = 60). The Lucene index lives in {@code indexDir} and is rebuilt only when
 * the documents (names, sizes, modification times, content hashes), the encoder or the passage
 * splitting change; {@link #refresh()} rechecks at run time and swaps the index atomically.
 *
 * <p>The answer is {@link Value.Json} at schema {@value #SCHEMA}:
 *
 * <pre>{@code
 * {"schema":1, "query":"...", "passages":[{"rank":1, "source":"himoe.md", "title":"Routing",
 *   "text":"...", "score":0.0328, "bm25":4.1, "cosine":0.71, "termCoverage":0.75}, ...]}
 * }</pre>
 *
 * Confidence: {@code 0.6 * termCoverage + 0.4 * max(0, cosine)} of the best passage; {@link
 * Value.None} with confidence 0 when nothing matches. Cost: 0 cost units (local).
 *
 * <p>It learns which passages help with which questions ({@link LearningExpert}): the feedback on
 * an answer credits the passages it returned (the top one most) for the query's terms, and each
 * passage's prior for a query (see {@code PassagePriors}: pooled over its terms, 0.5 until rated)
 * is mixed into the ranking: {@code score = fused + priorWeight · (prior − 0.5)} over the 20 best
 * fused hits, so a passage that keeps helping with such questions rises and one that keeps failing
 * them sinks. The priors are saved next to the index ({@code <indexDir>.priors.json}) every {@value
 * #SAVE_EVERY} rated answers and on {@link #close()}, and loaded on open.
 */
public final class KnowledgeExpert implements LearningExpert, AutoCloseable {

  /** The schema version of the JSON answer. */
  public static final int SCHEMA = 1;

  /** How many passages an answer holds by default. */
  public static final int DEFAULT_PASSAGES = 3;

  /**
   * Default weight of a passage's learned prior in its score: fused RRF scores are ~0.016 at rank 1
   * and ~0.0003 apart between neighbouring ranks, so one rating (which moves a prior by 0.1 at
   * most) moves a passage by about a rank or two. Larger weights let a few ratings override the
   * retrieval (on the CLINC150 stream of docs/learning.md, 0.02 lost about 3 points, 0.005 gained
   * 1.5).
   */
  public static final double DEFAULT_PRIOR_WEIGHT = 0.005;

  /** Rated answers between two saves of the passage priors. */
  static final int SAVE_EVERY = 64;

  /** The passages of one answer and the query's terms, kept for the feedback that may follow. */
  private record Answered(List<String> keys, List<String> terms) {}

  private static final int DEPTH = 20;
  private static final List<String> CUES =
      List.of(
          "what is",
          "what are",
          "what does",
          "how does",
          "who ",
          "when ",
          "where",
          "find",
          "search",
          "show me",
          "list",
          "explain",
          "qu'est-ce",
          "qu'est ce",
          "quel",
          "quelle",
          "qui ",
          "quand",
          "où",
          "comment",
          "pourquoi",
          "cherche",
          "trouve",
          "explique",
          "définition",
          "definition");

  private final String name;
  private final Path indexDir;
  private final Path docsDir;
  private final Encoder encoder;
  private final int passages;
  private final ReentrantLock refreshLock = new ReentrantLock();
  private volatile LuceneIndex index;
  private volatile boolean closed;
  private volatile String fingerprint;
  private final double priorWeight;
  private final PassagePriors priors;
  // The passages of each recent answer, by trace id, for the feedback that may follow it.
  private final TtlLruCache<String, Answered> answered =
      new TtlLruCache<>(10_000, Duration.ofHours(1), InstantSource.system());

  private KnowledgeExpert(
      String name, Path indexDir, Path docsDir, Encoder encoder, int passages, double priorWeight) {
    this.name = name;
    this.indexDir = indexDir;
    this.docsDir = docsDir;
    this.encoder = encoder;
    this.passages = passages;
    this.priorWeight = priorWeight;
    this.priors = PassagePriors.load(priorsFile(indexDir));
    DocumentSet docs = DocumentSet.scan(docsDir);
    this.index = LuceneIndex.openOrBuild(indexDir, docs, encoder, () -> {});
    this.fingerprint = docs.fingerprint();
  }

  /**
   * @param indexDir an index directory
   * @return where the passage priors learned for it are kept: {@code <indexDir>.priors.json}
   */
  public static Path priorsFile(Path indexDir) {
    Path abs = indexDir.toAbsolutePath().normalize();
    return abs.resolveSibling(abs.getFileName() + ".priors.json");
  }

  /**
   * Opens (or builds) the index of a folder, as the expert {@code knowledge}.
   *
   * @param indexDir where the Lucene index is kept (created if missing)
   * @param docsDir the documents
   * @param encoder the encoder for the vector side (its {@link Encoder#id()} is part of the key)
   * @return the expert; close it to release the index
   * @throws IllegalArgumentException if docsDir is not a directory or a document is not UTF-8
   * @throws UncheckedIOException if the index cannot be read or written
   */
  public static KnowledgeExpert open(Path indexDir, Path docsDir, Encoder encoder) {
    return open("knowledge", indexDir, docsDir, encoder, DEFAULT_PASSAGES);
  }

  /**
   * @param name the expert's name
   * @param indexDir where the Lucene index is kept
   * @param docsDir the documents
   * @param encoder the encoder for the vector side
   * @param passages how many passages an answer holds, in [1, 20]
   * @return the expert
   * @throws IllegalArgumentException on a bad argument, naming it
   */
  public static KnowledgeExpert open(
      String name, Path indexDir, Path docsDir, Encoder encoder, int passages) {
    return open(name, indexDir, docsDir, encoder, passages, DEFAULT_PRIOR_WEIGHT);
  }

  /**
   * @param name the expert's name
   * @param indexDir where the Lucene index is kept (the learned priors beside it)
   * @param docsDir the documents
   * @param encoder the encoder for the vector side
   * @param passages how many passages an answer holds, in [1, 20]
   * @param priorWeight weight of the learned passage priors in the ranking, &gt;= 0 (0: feedback is
   *     still recorded but does not change the ranking)
   * @return the expert
   * @throws IllegalArgumentException on a bad argument, naming it
   * @throws UncheckedIOException if the index or the priors file cannot be read
   */
  public static KnowledgeExpert open(
      String name, Path indexDir, Path docsDir, Encoder encoder, int passages, double priorWeight) {
    if (!(priorWeight >= 0) || Double.isInfinite(priorWeight)) {
      throw new IllegalArgumentException(
          "knowledge: prior weight must be >= 0 and finite, got " + priorWeight);
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("knowledge: name is empty");
    }
    Objects.requireNonNull(indexDir, "indexDir");
    Objects.requireNonNull(docsDir, "docsDir");
    Objects.requireNonNull(encoder, "encoder");
    if (passages < 1 || passages > DEPTH) {
      throw new IllegalArgumentException(
          "knowledge: passages must be in [1, " + DEPTH + "], got " + passages);
    }
    if (indexDir.toAbsolutePath().normalize().startsWith(docsDir.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException(
          "knowledge: indexDir " + indexDir + " must not be inside docsDir " + docsDir);
    }
    return new KnowledgeExpert(name, indexDir, docsDir, encoder, passages, priorWeight);
  }

  /**
   * The built-in document set (short factual documents about Hi-MoE, mixtures of experts, Java,
   * France, the solar system and physical constants, shipped in this jar) with the MiniLM encoder,
   * so a default configuration has a knowledge expert offline.
   *
   * @param cacheDir where the documents are copied ({@code docs/}) and indexed ({@code index/})
   * @return the expert {@code knowledge}
   */
  public static KnowledgeExpert builtIn(Path cacheDir) {
    return builtIn(cacheDir, SentenceEncoder.of(SentenceModel.MINILM_L6_V2_Q));
  }

  /**
   * @param cacheDir where the documents are copied and indexed
   * @param encoder the encoder for the vector side
   * @return the expert {@code knowledge} over the built-in documents
   */
  public static KnowledgeExpert builtIn(Path cacheDir, Encoder encoder) {
    return builtIn("knowledge", cacheDir, encoder);
  }

  /**
   * @param name the expert's name
   * @param cacheDir where the documents are copied and indexed
   * @param encoder the encoder for the vector side
   * @return the expert over the built-in documents, under {@code name}
   */
  public static KnowledgeExpert builtIn(String name, Path cacheDir, Encoder encoder) {
    Path docs = BuiltInDocs.extract(cacheDir.resolve("docs"));
    return open(name, cacheDir.resolve("index"), docs, encoder, DEFAULT_PASSAGES);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * {@inheritDoc} A search of the in-process Lucene index (its input bounded by the guard's limit):
   * no network.
   */
  @Override
  public boolean runsInline() {
    return true;
  }

  /**
   * @return whether opening (or the last {@link #refresh()}) had to build the index
   */
  public boolean rebuilt() {
    return index.rebuilt();
  }

  /**
   * @return the number of indexed passages
   */
  public int passageCount() {
    return index.passages();
  }

  /**
   * Rescans the documents and rebuilds the index if they changed; searches in flight finish on the
   * old index, which closes when the last of them ends.
   *
   * @return whether the index was rebuilt
   */
  public boolean refresh() {
    refreshLock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("knowledge: expert '" + name + "' is closed");
      }
      DocumentSet docs = DocumentSet.scan(docsDir);
      if (docs.fingerprint().equals(fingerprint)) {
        return false;
      }
      LuceneIndex old = index;
      index = LuceneIndex.openOrBuild(indexDir, docs, encoder, () -> {});
      fingerprint = docs.fingerprint();
      closeQuietly(old);
      return true;
    } finally {
      refreshLock.unlock();
    }
  }

  /**
   * Self-assessment: 0.15 per question cue ("what is", "qu'est-ce", "explique", ...) plus 0.6 times
   * the share of the task's terms that occur in the documents, capped at 1.
   */
  @Override
  public double canHandle(String task) {
    if (task == null || task.isBlank()) {
      return 0;
    }
    String t = task.toLowerCase(Locale.ROOT);
    long cues = CUES.stream().filter(t::contains).count();
    LuceneIndex idx = acquire();
    try {
      double vocab = idx.vocabularyCoverage(idx.terms(task));
      return Math.min(1.0, 0.15 * cues + 0.6 * vocab);
    } finally {
      release(idx);
    }
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws IOException {
    long start = System.nanoTime();
    if (input instanceof InputData.Features f) {
      throw new MoeError.InvalidInput(
          name + " reads text; got a feature vector of dimension " + f.dimension());
    }
    String query = input.toText().strip();
    ctx.checkAlive(name);
    float[] qv = encoder.encode(InputData.text(query)).vector();
    ctx.checkAlive(name);
    List<Hit> found;
    List<String> terms;
    LuceneIndex idx = acquire();
    try {
      found = idx.search(query, qv, priorWeight > 0 ? DEPTH : passages, DEPTH);
      terms = idx.terms(query);
    } finally {
      release(idx);
    }
    if (found.isEmpty()) {
      return new ExpertOut(Value.none("no passage matches the question"), aux(start, 0));
    }
    List<Ranked> ranked = rerank(found, terms);
    List<Hit> hits = ranked.stream().map(Ranked::hit).toList();
    answered.put(ctx.traceId(), new Answered(ranked.stream().map(Ranked::key).toList(), terms));
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("schema", SCHEMA).put("query", query);
    ArrayNode arr = root.putArray("passages");
    int rank = 1;
    for (Ranked r : ranked) {
      Hit h = r.hit();
      arr.addObject()
          .put("rank", rank++)
          .put("source", h.passage().source())
          .put("title", h.passage().title())
          .put("text", h.passage().text())
          .put("score", round(r.score()))
          .put("bm25", round(h.bm25()))
          .put("cosine", round(h.cosine()))
          .put("termCoverage", round(h.termCoverage()))
          .put("prior", round(r.prior()));
    }
    Hit best = hits.getFirst();
    double confidence =
        Math.clamp(0.6 * best.termCoverage() + 0.4 * Math.max(0, best.cosine()), 0.0, 1.0);
    return new ExpertOut(Value.json(SCHEMA, root), aux(start, confidence));
  }

  /** A hit with its learned prior and final score. */
  private record Ranked(Hit hit, String key, double prior, double score) {}

  /** Mixes each hit's learned prior into its fused score and keeps the best {@code passages}. */
  private List<Ranked> rerank(List<Hit> hits, List<String> terms) {
    List<Ranked> out = new ArrayList<>(hits.size());
    for (Hit h : hits) {
      String key = PassagePriors.key(h.passage());
      double prior = priors.prior(key, terms);
      out.add(new Ranked(h, key, prior, h.fused() + priorWeight * (prior - 0.5)));
    }
    out.sort(
        Comparator.comparingDouble(Ranked::score)
            .reversed()
            .thenComparing(r -> r.hit().passage().source())
            .thenComparingInt(r -> r.hit().passage().ordinal()));
    return out.size() > passages ? List.copyOf(out.subList(0, passages)) : out;
  }

  /**
   * Credits the passages of the answer given under {@code feedback.traceId()}, for the query's
   * terms, with the reward this expert earned ({@link ExpertFeedback#rewardFor}), weighted by its
   * share of the answer: a good reward for the passages, a bad one against them. Ignored: feedback
   * naming another expert as the one that should have answered (the routing failed, not the
   * passages), on an answer this expert no longer remembers (over an hour old, or beyond the last
   * 10,000), or without a reward for it.
   */
  @Override
  public void learn(ExpertFeedback feedback) {
    var reward = feedback.rewardFor(name);
    var seen = answered.get(feedback.traceId());
    if (reward.isEmpty()
        || seen.isEmpty()
        || feedback.share() == 0
        || feedback.bestExpert().filter(b -> !b.equals(name)).isPresent()) {
      return;
    }
    priors.credit(seen.get().keys(), seen.get().terms(), reward.getAsDouble(), feedback.share());
    if (priors.unsaved() >= SAVE_EVERY) {
      priors.save();
    }
  }

  private static double round(double x) {
    return Math.round(x * 10_000) / 10_000.0;
  }

  private static ExpertAux aux(long startNanos, double confidence) {
    return new ExpertAux((System.nanoTime() - startNanos) / 1_000_000, 0, confidence, null);
  }

  /** The current index with a reference taken; a concurrent refresh may swap it meanwhile. */
  private LuceneIndex acquire() {
    while (true) {
      if (closed) {
        throw new IllegalStateException("knowledge: expert '" + name + "' is closed");
      }
      LuceneIndex idx = index;
      if (idx.tryAcquire()) {
        return idx;
      }
      Thread.onSpinWait(); // swapped and closed between the read and the acquire: read again
    }
  }

  private static void release(LuceneIndex idx) {
    try {
      idx.release();
    } catch (IOException e) {
      throw new UncheckedIOException("knowledge: cannot close a replaced index", e);
    }
  }

  private static void closeQuietly(LuceneIndex idx) {
    try {
      idx.close();
    } catch (IOException e) {
      // The new index is live; a failed close of the old one only leaks a file handle.
    }
  }

  @Override
  public void close() throws IOException {
    refreshLock.lock();
    try {
      if (!closed) {
        closed = true;
        try {
          priors.save();
        } finally {
          index.close();
        }
      }
    } finally {
      refreshLock.unlock();
    }
  }
}
