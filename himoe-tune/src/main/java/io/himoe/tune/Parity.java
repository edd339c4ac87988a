package io.himoe.tune;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.onnxruntime.OrtException;
import io.himoe.tune.bert.BertEncoder;

/** How far the DJL transformer's hidden states are from ONNX Runtime's on the same tokens. */
public final class Parity {

  private Parity() {}

  /**
   * @param encoder the DJL transformer
   * @param ort the graph in ONNX Runtime
   * @param batch tokens
   * @param manager where the inputs live (for the call only)
   * @return the largest absolute difference over the real (unpadded) tokens
   * @throws OrtException if ONNX Runtime fails
   */
  public static double maxDiff(
      BertEncoder encoder, OrtReference ort, TokenBatch batch, NDManager manager)
      throws OrtException {
    float[][][] ref = ort.hidden(batch);
    float[] djl;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      djl =
          encoder
              .forward(
                  TokenBatch.array(manager, batch.ids()),
                  TokenBatch.array(manager, batch.mask()),
                  TokenBatch.array(manager, batch.types()))
              .toFloatArray();
    }
    int h = ref[0][0].length;
    double max = 0;
    for (int i = 0; i < batch.size(); i++) {
      for (int t = 0; t < batch.length(); t++) {
        if (batch.mask()[i][t] == 0) {
          continue;
        }
        int base = (i * batch.length() + t) * h;
        for (int j = 0; j < h; j++) {
          max = Math.max(max, Math.abs(djl[base + j] - ref[i][t][j]));
        }
      }
    }
    return max;
  }
}
