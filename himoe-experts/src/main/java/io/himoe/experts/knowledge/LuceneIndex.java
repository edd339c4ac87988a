package io.himoe.experts.knowledge;

import io.himoe.shared.Encoder;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.jspecify.annotations.Nullable;

/**
 * A Lucene index of passages: BM25 over an analysed text field and HNSW kNN over unit vectors (dot
 * product = cosine). The commit carries a key (document fingerprint, encoder id, splitter version);
 * opening an index whose key differs rebuilds it in one commit, so a reader never sees a half-built
 * index and an interrupted build is redone on the next open.
 */
final class LuceneIndex implements Closeable {
  private static final int RRF_K = 60;
  static final double MIN_VECTOR_ONLY_COSINE = 0.2;

  private final Directory dir;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final Analyzer analyzer = new PassageAnalyzer();
  private final boolean rebuilt;
  // 1 for the owner, +1 per search in flight; the files close when it reaches 0.
  private final AtomicInteger refs = new AtomicInteger(1);

  private LuceneIndex(Directory dir, boolean rebuilt) throws IOException {
    this.dir = dir;
    this.reader = DirectoryReader.open(dir);
    this.searcher = new IndexSearcher(reader);
    this.rebuilt = rebuilt;
  }

  static LuceneIndex openOrBuild(
      Path indexDir, DocumentSet docs, Encoder encoder, Runnable checkpoint) {
    String key = IndexBuilder.key(docs, encoder);
    try {
      Directory dir = FSDirectory.open(indexDir);
      try {
        boolean fresh = !key.equals(IndexBuilder.currentKey(dir));
        if (fresh) {
          IndexBuilder.build(dir, docs, encoder, key, checkpoint);
        }
        return new LuceneIndex(dir, fresh);
      } catch (IOException | RuntimeException e) {
        dir.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("knowledge: cannot open the index in " + indexDir, e);
    }
  }

  boolean rebuilt() {
    return rebuilt;
  }

  int passages() {
    return reader.numDocs();
  }

  /**
   * @param text some text
   * @return its distinct analysed terms (stop words dropped), in order
   */
  List<String> terms(String text) {
    Set<String> out = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream(IndexBuilder.F_TEXT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(out);
  }

  /**
   * @param terms analysed terms
   * @return the share of them that occur in at least one passage
   */
  double vocabularyCoverage(List<String> terms) {
    if (terms.isEmpty()) {
      return 0;
    }
    int known = 0;
    try {
      for (String t : terms) {
        if (reader.docFreq(new Term(IndexBuilder.F_TEXT, t)) > 0) {
          known++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return (double) known / terms.size();
  }

  /**
   * Hybrid search: the top {@code depth} of BM25 and of kNN, fused by reciprocal rank (k = 60).
   *
   * @param query the query text
   * @param queryVector the query's vector (any length-preserving scale), or null for BM25 only
   * @param limit how many hits to return
   * @param depth how deep each ranking goes
   * @return the hits, best first
   */
  List<Hit> search(String query, float[] queryVector, int limit, int depth) throws IOException {
    List<String> terms = terms(query);
    Map<Integer, Double> fused = new HashMap<>();
    Map<Integer, Double> bm25 = new HashMap<>();
    if (!terms.isEmpty()) {
      BooleanQuery.Builder b = new BooleanQuery.Builder();
      for (String t : terms) {
        b.add(new TermQuery(new Term(IndexBuilder.F_TEXT, t)), BooleanClause.Occur.SHOULD);
      }
      rank(searcher.search(b.build(), depth).scoreDocs, fused, bm25);
    }
    float[] qv = queryVector == null ? null : IndexBuilder.unit(queryVector);
    if (qv != null && reader.numDocs() > 0) {
      rank(
          searcher.search(new KnnFloatVectorQuery(IndexBuilder.F_VEC, qv, depth), depth).scoreDocs,
          fused,
          null);
    }
    StoredFields stored = searcher.storedFields();
    List<Hit> hits = new ArrayList<>();
    for (Map.Entry<Integer, Double> e : fused.entrySet()) {
      Document d = stored.document(e.getKey());
      Passage p =
          new Passage(
              d.get(IndexBuilder.F_SOURCE),
              d.get(IndexBuilder.F_TITLE),
              d.getField(IndexBuilder.F_ORDINAL).numericValue().intValue(),
              d.get(IndexBuilder.F_BODY));
      double cos = qv == null ? 0 : cosine(qv, d.getBinaryValue(IndexBuilder.F_VEC_BYTES));
      double cov = coverage(terms, p);
      if (!bm25.containsKey(e.getKey()) && cos < MIN_VECTOR_ONLY_COSINE) {
        continue; // kNN always returns neighbours; far ones are noise, not answers
      }
      hits.add(new Hit(p, e.getValue(), bm25.getOrDefault(e.getKey(), 0.0), cos, cov));
    }
    hits.sort(
        Comparator.comparingDouble(Hit::fused)
            .reversed()
            .thenComparing(h -> h.passage().source())
            .thenComparingInt(h -> h.passage().ordinal()));
    return hits.size() > limit ? List.copyOf(hits.subList(0, limit)) : hits;
  }

  private static void rank(
      ScoreDoc[] docs, Map<Integer, Double> fused, @Nullable Map<Integer, Double> raw) {
    for (int r = 0; r < docs.length; r++) {
      fused.merge(docs[r].doc, 1.0 / (RRF_K + r + 1), Double::sum);
      if (raw != null) {
        raw.put(docs[r].doc, (double) docs[r].score);
      }
    }
  }

  private double coverage(List<String> queryTerms, Passage p) {
    if (queryTerms.isEmpty()) {
      return 0;
    }
    Set<String> in = new LinkedHashSet<>(terms(p.title() + "\n" + p.text()));
    return (double) queryTerms.stream().filter(in::contains).count() / queryTerms.size();
  }

  private static double cosine(float[] q, org.apache.lucene.util.BytesRef bytes) {
    if (bytes == null || bytes.length != q.length * Float.BYTES) {
      return 0;
    }
    var fb = ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length).asFloatBuffer();
    double dot = 0;
    for (int i = 0; i < q.length; i++) {
      dot += q[i] * fb.get(i);
    }
    return Math.max(-1, Math.min(1, dot));
  }

  /**
   * Takes a reference for one search.
   *
   * @return false if this index is already closed (the caller reads the current one again)
   */
  boolean tryAcquire() {
    int r;
    do {
      r = refs.get();
      if (r <= 0) {
        return false;
      }
    } while (!refs.compareAndSet(r, r + 1));
    return true;
  }

  /** Gives back a reference; the last one closes the reader and the directory. */
  void release() throws IOException {
    if (refs.decrementAndGet() == 0) {
      try (dir) {
        reader.close();
      }
    }
  }

  /** Gives back the owner's reference: closes now, or when the last search in flight ends. */
  @Override
  public void close() throws IOException {
    release();
  }
}
