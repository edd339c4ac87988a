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
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

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
   * Vector-only hits farther than {@link #MIN_VECTOR_ONLY_COSINE} are noise and dropped. Only the
   * passages that can make the top {@code limit} are read from the index (their stored fields);
   * their term coverage comes from the index's postings, not from re-analysing their text.
   *
   * @param query the query text
   * @param queryVector the query's vector (any length-preserving scale), or null for BM25 only
   * @param limit how many hits to return
   * @param depth how deep each ranking goes
   * @return the hits, best first (by fused score, then source and ordinal)
   */
  List<Hit> search(String query, float[] queryVector, int limit, int depth) throws IOException {
    List<String> terms = terms(query);
    Map<Integer, Candidate> byDoc = new HashMap<>();
    if (!terms.isEmpty()) {
      BooleanQuery.Builder b = new BooleanQuery.Builder();
      for (String t : terms) {
        b.add(new TermQuery(new Term(IndexBuilder.F_TEXT, t)), BooleanClause.Occur.SHOULD);
      }
      ScoreDoc[] docs = searcher.search(b.build(), depth).scoreDocs;
      for (int r = 0; r < docs.length; r++) {
        Candidate c = byDoc.computeIfAbsent(docs[r].doc, Candidate::new);
        c.fused += 1.0 / (RRF_K + r + 1);
        c.bm25 = docs[r].score;
      }
    }
    float[] qv = queryVector == null ? null : IndexBuilder.unit(queryVector);
    if (qv != null && reader.numDocs() > 0) {
      ScoreDoc[] docs =
          searcher.search(new KnnFloatVectorQuery(IndexBuilder.F_VEC, qv, depth), depth).scoreDocs;
      for (int r = 0; r < docs.length; r++) {
        Candidate c = byDoc.computeIfAbsent(docs[r].doc, Candidate::new);
        c.fused += 1.0 / (RRF_K + r + 1);
        // Lucene scores a dot product of unit vectors as (1 + cos) / 2.
        c.knnCosine = 2.0 * docs[r].score - 1.0;
      }
    }
    List<Candidate> kept = new ArrayList<>(byDoc.size());
    for (Candidate c : byDoc.values()) {
      // kNN always returns neighbours; far ones are noise, not answers.
      if (!Double.isNaN(c.bm25) || c.knnCosine >= MIN_VECTOR_ONLY_COSINE) {
        kept.add(c);
      }
    }
    kept.sort(Comparator.comparingDouble((Candidate c) -> c.fused).reversed());
    // Those tied with the last one that fits may still win on source and ordinal: read them too.
    int read = Math.min(limit, kept.size());
    while (read > 0 && read < kept.size() && kept.get(read).fused == kept.get(read - 1).fused) {
      read++;
    }
    List<Candidate> top = kept.subList(0, read);
    int[] present = coverage(terms, top);
    StoredFields stored = searcher.storedFields();
    List<Hit> hits = new ArrayList<>(read);
    for (int i = 0; i < top.size(); i++) {
      Candidate c = top.get(i);
      Document d = stored.document(c.doc);
      Passage p =
          new Passage(
              d.get(IndexBuilder.F_SOURCE),
              d.get(IndexBuilder.F_TITLE),
              d.getField(IndexBuilder.F_ORDINAL).numericValue().intValue(),
              d.get(IndexBuilder.F_BODY));
      double cos =
          qv == null
              ? 0
              : Double.isNaN(c.knnCosine)
                  ? cosine(qv, d.getBinaryValue(IndexBuilder.F_VEC_BYTES))
                  : Math.max(-1, Math.min(1, c.knnCosine));
      double cov = terms.isEmpty() ? 0 : (double) present[i] / terms.size();
      hits.add(new Hit(p, c.fused, Double.isNaN(c.bm25) ? 0.0 : c.bm25, cos, cov));
    }
    hits.sort(
        Comparator.comparingDouble(Hit::fused)
            .reversed()
            .thenComparing(h -> h.passage().source())
            .thenComparingInt(h -> h.passage().ordinal()));
    return hits.size() > limit ? List.copyOf(hits.subList(0, limit)) : hits;
  }

  /** One passage found by either ranking. */
  private static final class Candidate {
    final int doc;
    double fused;
    double bm25 = Double.NaN;
    double knnCosine = Double.NaN;

    Candidate(int doc) {
      this.doc = doc;
    }
  }

  /**
   * How many of the query's terms each candidate's text (title and body, analysed at index time)
   * holds, read from the postings of each term.
   */
  private int[] coverage(List<String> queryTerms, List<Candidate> candidates) throws IOException {
    int[] present = new int[candidates.size()];
    if (queryTerms.isEmpty() || candidates.isEmpty()) {
      return present;
    }
    Integer[] order = new Integer[candidates.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingInt(i -> candidates.get(i).doc));
    for (LeafReaderContext leaf : reader.leaves()) {
      Terms indexed = leaf.reader().terms(IndexBuilder.F_TEXT);
      if (indexed == null) {
        continue;
      }
      int first = leaf.docBase;
      int end = leaf.docBase + leaf.reader().maxDoc();
      TermsEnum te = indexed.iterator();
      for (String t : queryTerms) {
        if (!te.seekExact(new BytesRef(t))) {
          continue;
        }
        PostingsEnum postings = te.postings(null, PostingsEnum.NONE);
        for (Integer i : order) {
          int doc = candidates.get(i).doc;
          if (doc < first || doc >= end) {
            continue;
          }
          int local = doc - first;
          int at = postings.docID() >= local ? postings.docID() : postings.advance(local);
          if (at == local) {
            present[i]++;
          }
          if (at == DocIdSetIterator.NO_MORE_DOCS) {
            break;
          }
        }
      }
    }
    return present;
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
