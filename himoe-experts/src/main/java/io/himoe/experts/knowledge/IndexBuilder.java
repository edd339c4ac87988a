package io.himoe.experts.knowledge;

import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.jspecify.annotations.Nullable;

/**
 * Writes the passage index: its fields, its key and its codec. The commit carries a key (document
 * fingerprint, encoder id, splitter and format versions); a build replaces the whole index in one
 * commit, so a reader never sees a half-built index and an interrupted build is redone on the next
 * open.
 */
final class IndexBuilder {
  static final int FORMAT_VERSION = 1;
  static final String KEY = "himoe.knowledge.key";
  static final String F_TEXT = "text";
  static final String F_BODY = "body";
  static final String F_SOURCE = "source";
  static final String F_TITLE = "title";
  static final String F_ORDINAL = "ordinal";
  static final String F_VEC = "vec";
  static final String F_VEC_BYTES = "vec_bytes";
  static final String F_ID = "id";
  private static final int ENCODE_BATCH = 32;

  private IndexBuilder() {}

  /** What an up-to-date index must have been built from. */
  static String key(DocumentSet docs, Encoder encoder) {
    return docs.fingerprint()
        + "|"
        + encoder.id()
        + "|split"
        + PassageSplitter.VERSION
        + "|format"
        + FORMAT_VERSION;
  }

  static @Nullable String currentKey(Directory dir) throws IOException {
    if (!DirectoryReader.indexExists(dir)) {
      return null;
    }
    return SegmentInfos.readLatestCommit(dir).getUserData().get(KEY);
  }

  static void build(
      Directory dir, DocumentSet docs, Encoder encoder, String key, Runnable checkpoint)
      throws IOException {
    IndexWriterConfig cfg =
        new IndexWriterConfig(new PassageAnalyzer())
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
            .setCodec(wideCodec());
    try (IndexWriter w = new IndexWriter(dir, cfg)) {
      for (Path file : docs.files()) {
        checkpoint.run();
        String source = DocumentSet.relative(docs.root(), file);
        List<Passage> passages = PassageSplitter.split(source, docs.read(file));
        for (int from = 0; from < passages.size(); from += ENCODE_BATCH) {
          checkpoint.run();
          List<Passage> batch =
              passages.subList(from, Math.min(passages.size(), from + ENCODE_BATCH));
          List<InputData> inputs = new ArrayList<>(batch.size());
          for (Passage p : batch) {
            inputs.add(InputData.text(p.title() + "\n" + p.text()));
          }
          List<Encoded> vectors = encoder.encodeAll(inputs);
          for (int i = 0; i < batch.size(); i++) {
            w.addDocument(document(batch.get(i), unit(vectors.get(i).vector())));
          }
        }
      }
      w.setLiveCommitData(Map.of(KEY, key).entrySet());
      w.commit();
    }
  }

  private static Document document(Passage p, float @Nullable [] vec) {
    Document d = new Document();
    d.add(new StringField(F_ID, p.source() + "#" + p.ordinal(), Field.Store.YES));
    d.add(new StoredField(F_SOURCE, p.source()));
    d.add(new StoredField(F_TITLE, p.title()));
    d.add(new StoredField(F_ORDINAL, p.ordinal()));
    d.add(new StoredField(F_BODY, p.text()));
    d.add(new TextField(F_TEXT, p.title() + "\n" + p.text(), Field.Store.NO));
    if (vec != null) {
      d.add(new KnnFloatVectorField(F_VEC, vec, VectorSimilarityFunction.DOT_PRODUCT));
      ByteBuffer b = ByteBuffer.allocate(vec.length * Float.BYTES);
      b.asFloatBuffer().put(vec);
      d.add(new StoredField(F_VEC_BYTES, b.array()));
    }
    return d;
  }

  /** The stock codec, but with vectors up to {@value WideVectorsFormat#MAX_DIMENSIONS} dims. */
  private static Codec wideCodec() {
    Codec base = Codec.getDefault();
    KnnVectorsFormat wide = new WideVectorsFormat();
    return new FilterCodec(base.getName(), base) {
      @Override
      public KnnVectorsFormat knnVectorsFormat() {
        return new org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return wide;
          }
        };
      }
    };
  }

  /** Scales to unit length; null for the zero vector (such a passage is found by BM25 only). */
  static float @Nullable [] unit(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    if (s == 0) {
      return null;
    }
    float inv = (float) (1 / Math.sqrt(s));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }
}
