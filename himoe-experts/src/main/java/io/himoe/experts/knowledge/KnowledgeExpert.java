package io.himoe.experts.knowledge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.encoders.SentenceEncoder;
import io.himoe.experts.encoders.SentenceModel;
import io.himoe.shared.Context;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
 */
public final class KnowledgeExpert implements Expert, AutoCloseable {

  /** The schema version of the JSON answer. */
  public static final int SCHEMA = 1;

  /** How many passages an answer holds by default. */
  public static final int DEFAULT_PASSAGES = 3;

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

  private KnowledgeExpert(String name, Path indexDir, Path docsDir, Encoder encoder, int passages) {
    this.name = name;
    this.indexDir = indexDir;
    this.docsDir = docsDir;
    this.encoder = encoder;
    this.passages = passages;
    DocumentSet docs = DocumentSet.scan(docsDir);
    this.index = LuceneIndex.openOrBuild(indexDir, docs, encoder, () -> {});
    this.fingerprint = docs.fingerprint();
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
    return new KnowledgeExpert(name, indexDir, docsDir, encoder, passages);
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
    List<Hit> hits;
    LuceneIndex idx = acquire();
    try {
      hits = idx.search(query, qv, passages, DEPTH);
    } finally {
      release(idx);
    }
    if (hits.isEmpty()) {
      return new ExpertOut(Value.none("no passage matches the question"), aux(start, 0));
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("schema", SCHEMA).put("query", query);
    ArrayNode arr = root.putArray("passages");
    int rank = 1;
    for (Hit h : hits) {
      arr.addObject()
          .put("rank", rank++)
          .put("source", h.passage().source())
          .put("title", h.passage().title())
          .put("text", h.passage().text())
          .put("score", round(h.fused()))
          .put("bm25", round(h.bm25()))
          .put("cosine", round(h.cosine()))
          .put("termCoverage", round(h.termCoverage()));
    }
    Hit best = hits.getFirst();
    double confidence =
        Math.clamp(0.6 * best.termCoverage() + 0.4 * Math.max(0, best.cosine()), 0.0, 1.0);
    return new ExpertOut(Value.json(SCHEMA, root), aux(start, confidence));
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
        index.close();
      }
    } finally {
      refreshLock.unlock();
    }
  }
}
