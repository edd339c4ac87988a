package io.himoe.tune.bert;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.himoe.experts.encoders.SentenceModel;
import io.himoe.tune.DjlRuntime;
import io.himoe.tune.OrtReference;
import io.himoe.tune.TokenBatch;
import io.himoe.tune.onnx.OnnxGraph;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class BertEncoderTest {

  @Test
  void djlTransformerEqualsOnnxRuntimeOnTheSameTokens() throws Exception {
    SentenceModel m = SentenceModel.MINILM_L6_V2;
    byte[] bytes = resource(m.onnxResource());
    OnnxGraph graph = OnnxGraph.parse(bytes);
    BertWeights w = BertWeights.of(graph);
    assertThat(w.layers()).isEqualTo(6);
    assertThat(w.hidden()).isEqualTo(384);
    assertThat(w.onnxName("encoder.layer.0.attention.self.query.weight"))
        .startsWith("onnx::MatMul_");
    TokenBatch batch;
    try (InputStream tok = stream(m.tokenizerResource())) {
      batch =
          TokenBatch.of(
              TokenBatch.tokenizer(tok),
              List.of(
                  "set an alarm for seven", "what is the exchange rate of euros to dollars", "hi"));
    }
    float[][][] ort;
    try (OrtReference ref = new OrtReference(bytes)) {
      ort = ref.hidden(batch);
    }
    try (NDManager nd = DjlRuntime.pytorch(1).newBaseManager();
        BertEncoder enc = new BertEncoder(nd.newSubManager(), w, 12)) {
      NDArray h =
          enc.forward(
              nd.create(flat(batch.ids()), new ai.djl.ndarray.types.Shape(3, batch.length())),
              nd.create(flat(batch.mask()), new ai.djl.ndarray.types.Shape(3, batch.length())),
              nd.create(flat(batch.types()), new ai.djl.ndarray.types.Shape(3, batch.length())));
      float[] djl = h.toFloatArray();
      double maxDiff = 0;
      int k = 0;
      for (int i = 0; i < 3; i++) {
        for (int t = 0; t < batch.length(); t++) {
          for (int j = 0; j < 384; j++) {
            // Padded positions carry no meaning in either runtime.
            if (batch.mask()[i][t] == 1) {
              maxDiff = Math.max(maxDiff, Math.abs(djl[k] - ort[i][t][j]));
            }
            k++;
          }
        }
      }
      assertThat(maxDiff).isLessThan(1e-3);
    }
  }

  static long[] flat(long[][] rows) {
    long[] out = new long[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
    }
    return out;
  }

  static InputStream stream(String name) {
    return BertEncoderTest.class.getClassLoader().getResourceAsStream(name);
  }

  static byte[] resource(String name) throws Exception {
    try (InputStream in = stream(name)) {
      return in.readAllBytes();
    }
  }
}
