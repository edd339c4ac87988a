package io.himoe.branches.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Small tensor helpers shared by the network's parts; DJL types stay in this package. */
final class Tensors {

  private Tensors() {}

  static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
    return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
  }

  static float[] flatten(List<NDArray> arrays) {
    NDList list = new NDList();
    for (NDArray a : arrays) {
      list.add(a.flatten());
    }
    return NDArrays.concat(list).toFloatArray();
  }

  static float[][] unflatten(float[] flat, int n, int width) {
    float[][] out = new float[n][width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * width, out[i], 0, width);
    }
    return out;
  }

  /** A zero array shaped like {@code p}, owned by no scope (it lives as long as its owner). */
  static NDArray zerosLike(NDArray p) {
    NDArray z = p.getManager().zeros(p.getShape(), p.getDataType());
    NDScope.unregister(z);
    return z;
  }

  static NDArray unregistered(NDArray a) {
    NDScope.unregister(a);
    return a;
  }

  static void closeAll(@Nullable List<NDArray> arrays) {
    if (arrays != null) {
      arrays.forEach(NDArray::close);
    }
  }
}
