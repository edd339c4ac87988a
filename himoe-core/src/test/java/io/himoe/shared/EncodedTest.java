package io.himoe.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EncodedTest {

  private static float[] randomSparse(Random r, int dim, int nonZeros) {
    float[] v = new float[dim];
    for (int i = 0; i < nonZeros; i++) {
      v[r.nextInt(dim)] = r.nextFloat() - 0.5f;
    }
    return v;
  }

  private static Encoded sparseOf(float[] dense) {
    int n = 0;
    for (float x : dense) {
      n += x != 0f ? 1 : 0;
    }
    int[] idx = new int[n];
    float[] val = new float[n];
    int j = 0;
    for (int i = 0; i < dense.length; i++) {
      if (dense[i] != 0f) {
        idx[j] = i;
        val[j++] = dense[i];
      }
    }
    return Encoded.sparse(dense.length, idx, val);
  }

  @Test
  void sparseAndDenseFormsAreTheSameVectorToEveryReader() {
    Random r = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      float[] dense = randomSparse(r, 4096, 1 + r.nextInt(80));
      Encoded d = new Encoded(dense);
      Encoded s = sparseOf(dense);
      assertThat(s.isSparse()).isTrue();
      assertThat(d.isSparse()).isFalse();
      assertThat(s.vector()).containsExactly(dense);
      assertThat(s).isEqualTo(d);
      assertThat(d).isEqualTo(s);
      assertThat(s.hashCode()).isEqualTo(d.hashCode());
      assertThat(d.compact()).isEqualTo(d).matches(Encoded::isSparse);
      assertThat(s.compact()).isSameAs(s);
      assertThat(s.bytes()).isLessThan(d.bytes() / 10);
      for (int i = 0; i < dense.length; i++) {
        assertThat(s.get(i)).isEqualTo(dense[i]);
      }
      float[] fromEntries = new float[s.dimension()];
      for (int k = 0; k < s.entries(); k++) {
        fromEntries[s.indexAt(k)] = s.valueAt(k);
      }
      assertThat(fromEntries).containsExactly(dense);
    }
  }

  @Test
  void nobodyCanChangeAVectorOnceMade() {
    float[] in = {1f, 0f, 2f};
    Encoded d = new Encoded(in);
    in[0] = 9f;
    d.vector()[2] = 9f;
    assertThat(d.vector()).containsExactly(1f, 0f, 2f);
    int[] idx = {0, 2};
    float[] val = {1f, 2f};
    Encoded s = Encoded.sparse(3, idx, val);
    idx[0] = 1;
    val[1] = 9f;
    s.vector()[0] = 9f;
    assertThat(s.vector()).containsExactly(1f, 0f, 2f);
  }

  @Test
  void aDenseVectorMostlyNonZeroStaysDenseWhenCompacted() {
    Encoded d = new Encoded(new float[] {1f, 2f, 0f, 3f});
    assertThat(d.compact()).isSameAs(d);
    assertThat(Encoded.sparse(4, new int[] {0, 1, 3}, new float[] {1f, 2f, 3f}).compact())
        .isEqualTo(d)
        .matches(e -> !e.isSparse());
  }

  @Test
  void zerosAreNotStoredAndNegativeZeroIsZero() {
    Encoded s = Encoded.sparse(5, new int[] {1, 2, 4}, new float[] {0f, 3f, -0f});
    assertThat(s.entries()).isEqualTo(1);
    assertThat(s).isEqualTo(new Encoded(new float[] {0f, -0f, 3f, 0f, 0f}));
    assertThat(Encoded.sparse(5, new int[0], new float[0]).vector()).containsOnly(0f);
  }

  @Test
  void badSparseVectorsAreRefused() {
    assertThatThrownBy(() -> Encoded.sparse(0, new int[0], new float[0]))
        .isInstanceOf(MoeError.EncodeError.class);
    assertThatThrownBy(() -> Encoded.sparse(4, new int[] {1}, new float[] {1f, 2f}))
        .isInstanceOf(MoeError.EncodeError.class);
    assertThatThrownBy(() -> Encoded.sparse(4, new int[] {2, 1}, new float[] {1f, 2f}))
        .isInstanceOf(MoeError.EncodeError.class)
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> Encoded.sparse(4, new int[] {4}, new float[] {1f}))
        .isInstanceOf(MoeError.EncodeError.class);
    assertThatThrownBy(() -> Encoded.sparse(4, new int[] {1}, new float[] {Float.NaN}))
        .isInstanceOf(MoeError.EncodeError.class);
    assertThatThrownBy(() -> Encoded.sparse(4, new int[] {1}, new float[] {1f}).get(4))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
