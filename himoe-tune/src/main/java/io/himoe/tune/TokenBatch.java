package io.himoe.tune;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Texts tokenised as the serving encoder tokenises them (the model's {@code tokenizer.json},
 * special tokens added, truncated at 512 tokens, no padding), then padded to the longest in the
 * batch.
 *
 * @param ids token ids, {@code [batch][tokens]}
 * @param mask 1 for tokens, 0 for padding
 * @param types token type ids
 */
public record TokenBatch(long[][] ids, long[][] mask, long[][] types) {

  /**
   * @param json the tokenizer JSON
   * @return a tokenizer with the serving encoder's options
   * @throws IOException if the JSON cannot be read
   */
  public static HuggingFaceTokenizer tokenizer(InputStream json) throws IOException {
    return HuggingFaceTokenizer.newInstance(
        json, Map.of("padding", "false", "truncation", "true", "maxLength", "512"));
  }

  /**
   * @param tokenizer the tokenizer
   * @param texts the texts (with any prefix already applied)
   * @return the padded batch
   */
  public static TokenBatch of(HuggingFaceTokenizer tokenizer, List<String> texts) {
    Encoding[] enc = new Encoding[texts.size()];
    int len = 1;
    for (int i = 0; i < enc.length; i++) {
      enc[i] = tokenizer.encode(texts.get(i));
      len = Math.max(len, enc[i].getIds().length);
    }
    long[][] ids = new long[enc.length][len];
    long[][] mask = new long[enc.length][len];
    long[][] types = new long[enc.length][len];
    for (int i = 0; i < enc.length; i++) {
      long[] id = enc[i].getIds();
      System.arraycopy(id, 0, ids[i], 0, id.length);
      System.arraycopy(enc[i].getTypeIds(), 0, types[i], 0, id.length);
      java.util.Arrays.fill(mask[i], 0, id.length, 1L);
    }
    return new TokenBatch(ids, mask, types);
  }

  /**
   * @return texts in the batch
   */
  public int size() {
    return ids.length;
  }

  /**
   * @return padded length
   */
  public int length() {
    return ids[0].length;
  }

  static NDArray array(NDManager m, long[][] rows) {
    long[] flat = new long[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
    }
    return m.create(flat, new Shape(rows.length, rows[0].length));
  }
}
