package io.himoe.experts.encoders;

import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * A model-free text encoder: word unigrams and bigrams plus character 3- to 5-grams (taken inside
 * each whitespace-separated chunk padded with a space on both sides, so punctuation and symbols
 * such as {@code 2^10} count too), signed feature hashing with MurmurHash3 (stable on every run and
 * machine), then L2 normalisation. Text is lower-cased and stripped of diacritics first, so
 * "Étapes" and "etapes" share their features.
 *
 * <p>Thread-safe and allocation-light: a query of a few words takes microseconds, and its vector is
 * sparse ({@link Encoded#sparse}: only the non-zero values are held). Bytes are read as UTF-8 text;
 * a feature vector cannot be encoded ({@link MoeError.EncodeError}). A text with no feature at all
 * (impossible for non-blank input) would give the zero vector.
 */
public final class HashingEncoder implements Encoder {

  /** The dimension {@link #ofDefaults()} uses: 4096 keeps collisions rare for short queries. */
  public static final int DEFAULT_DIMENSION = 4096;

  private static final int SEED_WORD = 0x5eed0001;
  private static final int SEED_BIGRAM = 0x5eed0002;
  private static final int SEED_CHAR = 0x5eed0003;
  private static final int MIN_CHAR_GRAM = 3;
  private static final int MAX_CHAR_GRAM = 5;
  // Char n-grams are many more than words; a lower weight keeps words the main signal.
  private static final float WORD_WEIGHT = 1.0f;
  private static final float BIGRAM_WEIGHT = 0.7f;
  private static final float CHAR_WEIGHT = 0.35f;

  private final int dimension;

  private HashingEncoder(int dimension) {
    this.dimension = dimension;
  }

  /**
   * @param dimension the vector dimension, in [16, 1 048 576]
   * @return an encoder of that dimension
   * @throws IllegalArgumentException if the dimension is out of range
   */
  public static HashingEncoder of(int dimension) {
    if (dimension < 16 || dimension > (1 << 20)) {
      throw new IllegalArgumentException(
          "hashing encoder: dimension must be in [16, 1048576], got " + dimension);
    }
    return new HashingEncoder(dimension);
  }

  /**
   * @return an encoder of dimension {@value #DEFAULT_DIMENSION}
   */
  public static HashingEncoder ofDefaults() {
    return new HashingEncoder(DEFAULT_DIMENSION);
  }

  /**
   * @return the vector dimension
   */
  public int dimension() {
    return dimension;
  }

  @Override
  public String id() {
    return "hashing-" + dimension;
  }

  @Override
  public Encoded encode(InputData input) {
    return switch (input) {
      case InputData.Text t -> encodeText(t.text());
      case InputData.Bytes b -> encodeText(b.toText());
      // The last user turn and the earlier turns the gateway's configuration asks for.
      case InputData.Conversation c -> encodeText(c.routingText());
      case InputData.Features f ->
          throw new MoeError.EncodeError(
              "hashing encoder reads text; got a feature vector of dimension " + f.dimension(),
              null);
    };
  }

  /**
   * Encodes a text as a sparse vector (only its non-zero values are held: a few dozen for a short
   * query).
   *
   * @param text the text
   * @return the L2-normalised vector of {@link #dimension()} values (the zero vector for a text
   *     with no feature)
   */
  public Encoded encodeText(String text) {
    Accumulator acc = new Accumulator(dimension);
    String norm = normalize(text);
    addWordFeatures(norm, acc);
    addCharFeatures(norm, acc);
    return acc.normalized();
  }

  /**
   * Encodes a text without wrapping it in {@link Encoded}.
   *
   * @param text the text
   * @return a fresh L2-normalised dense vector of {@link #dimension()} floats (all zero for a text
   *     with no feature)
   */
  public float[] vector(String text) {
    return encodeText(text).vector();
  }

  /**
   * The features of one text in the order they were found, each a slot and a signed weight; summed
   * per slot at the end. A short query has a few dozen features, so this holds a few hundred bytes
   * where a dense accumulator held the whole dimension.
   */
  private static final class Accumulator {
    final int dimension;
    int[] slots = new int[64];
    float[] weights = new float[64];
    int count;

    Accumulator(int dimension) {
      this.dimension = dimension;
    }

    /** The low 31 bits choose the slot, the top bit the sign, so collisions cancel on average. */
    void add(int hash, float weight) {
      if (count == slots.length) {
        slots = Arrays.copyOf(slots, count * 2);
        weights = Arrays.copyOf(weights, count * 2);
      }
      slots[count] = (hash & 0x7fffffff) % dimension;
      weights[count++] = hash < 0 ? -weight : weight;
    }

    /**
     * Sums each slot's weights in the order they were added and L2-normalises, summing the squares
     * in the order slots were first touched: the same floats, bit for bit, as adding every feature
     * into a dense array and normalising it.
     */
    Encoded normalized() {
      long[] keys = new long[count];
      for (int i = 0; i < count; i++) {
        keys[i] = ((long) slots[i] << 32) | i;
      }
      Arrays.sort(keys);
      int[] idx = new int[count];
      float[] val = new float[count];
      // The group (distinct slot) each feature index first touched, -1 elsewhere.
      int[] firstTouch = new int[count];
      Arrays.fill(firstTouch, -1);
      int n = 0;
      for (long key : keys) {
        int slot = (int) (key >>> 32);
        int i = (int) key;
        if (n > 0 && idx[n - 1] == slot) {
          val[n - 1] += weights[i];
        } else {
          idx[n] = slot;
          val[n] = weights[i];
          firstTouch[i] = n++;
        }
      }
      double sum = 0;
      for (int i = 0; i < count; i++) {
        if (firstTouch[i] >= 0) {
          float x = val[firstTouch[i]];
          sum += (double) x * x;
        }
      }
      if (sum != 0) {
        float inv = (float) (1.0 / Math.sqrt(sum));
        for (int g = 0; g < n; g++) {
          val[g] *= inv;
        }
      }
      return Encoded.sparse(dimension, Arrays.copyOf(idx, n), Arrays.copyOf(val, n));
    }
  }

  /** Lower case, diacritics removed (NFD then combining marks dropped), for ASCII at no cost. */
  static String normalize(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); i++) {
      if (lower.charAt(i) >= 0x80) {
        String nfd = Normalizer.normalize(lower, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(nfd.length());
        for (int j = 0; j < nfd.length(); j++) {
          char c = nfd.charAt(j);
          if (Character.getType(c) != Character.NON_SPACING_MARK) {
            sb.append(c);
          }
        }
        return sb.toString();
      }
    }
    return lower;
  }

  /** Words are maximal runs of letters and digits; a bigram joins two neighbours with a space. */
  private static void addWordFeatures(String s, Accumulator v) {
    StringBuilder words = new StringBuilder(s.length());
    int prevStart = -1;
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && !Character.isLetterOrDigit(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && Character.isLetterOrDigit(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        if (!words.isEmpty()) {
          words.append(' ');
        }
        int wStart = words.length();
        words.append(s, start, i);
        v.add(Murmur3.hashChars(words, wStart, words.length(), SEED_WORD), WORD_WEIGHT);
        if (prevStart >= 0) {
          v.add(Murmur3.hashChars(words, prevStart, words.length(), SEED_BIGRAM), BIGRAM_WEIGHT);
        }
        prevStart = wStart;
      }
    }
  }

  /** Char n-grams inside " chunk " for every whitespace-separated chunk. */
  private static void addCharFeatures(String s, Accumulator v) {
    StringBuilder padded = new StringBuilder(32);
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        padded.setLength(0);
        padded.append(' ').append(s, start, i).append(' ');
        int len = padded.length();
        for (int g = MIN_CHAR_GRAM; g <= MAX_CHAR_GRAM && g <= len; g++) {
          for (int p = 0; p + g <= len; p++) {
            v.add(Murmur3.hashChars(padded, p, p + g, SEED_CHAR + g), CHAR_WEIGHT);
          }
        }
      }
    }
  }
}
