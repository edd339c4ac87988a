package io.himoe.experts.knowledge;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Lucene's HNSW vector format with a larger dimension limit ({@value #MAX_DIMENSIONS} instead of
 * 1024), so hashing encoders of 4096 dimensions can be indexed. It writes under the standard
 * format's name and layout, so the index reads back with the stock codec.
 */
final class WideVectorsFormat extends KnnVectorsFormat {
  static final int MAX_DIMENSIONS = 8192;

  private final KnnVectorsFormat delegate = new Lucene99HnswVectorsFormat();

  WideVectorsFormat() {
    super(new Lucene99HnswVectorsFormat().getName());
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return delegate.fieldsWriter(state);
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return delegate.fieldsReader(state);
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return MAX_DIMENSIONS;
  }
}
