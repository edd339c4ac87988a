package io.himoe.tune.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.encoders.SentenceModel;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxGraphTest {

  private static byte[] bytes;
  private static OnnxGraph graph;

  @BeforeAll
  static void read() throws Exception {
    try (InputStream in =
        OnnxGraphTest.class
            .getClassLoader()
            .getResourceAsStream(SentenceModel.MINILM_L6_V2.onnxResource())) {
      bytes = in.readAllBytes();
    }
    graph = OnnxGraph.parse(bytes);
  }

  @Test
  void readsNodesAndFloatInitializers() {
    assertThat(graph.nodes()).anyMatch(n -> n.op().equals("MatMul"));
    assertThat(graph.nodes().stream().filter(n -> n.op().equals("Softmax")).count()).isEqualTo(6);
    OnnxGraph.Tensor word = graph.initializers().get("embeddings.word_embeddings.weight");
    assertThat(word.dims()).containsExactly(30522, 384);
    float[] ln = graph.floats("embeddings.LayerNorm.weight");
    assertThat(ln).hasSize(384);
    // A trained LayerNorm scale is near 1, not zeros or garbage.
    double mean = 0;
    for (float v : ln) {
      mean += v / 384.0;
    }
    assertThat(mean).isBetween(0.2, 2.0);
  }

  @Test
  void writingReplacesExactlyThePayloadOfTheNamedTensors() {
    String name = "encoder.layer.0.output.LayerNorm.bias";
    OnnxGraph.Tensor t = graph.initializers().get(name);
    float[] v = new float[384];
    java.util.Arrays.fill(v, 0.25f);
    byte[] out = graph.withFloats(Map.of(name, v));
    assertThat(out).hasSize(bytes.length);
    OnnxGraph again = OnnxGraph.parse(out);
    assertThat(again.floats(name)).containsOnly(0.25f);
    assertThat(again.floats("embeddings.LayerNorm.bias"))
        .containsExactly(graph.floats("embeddings.LayerNorm.bias"));
    int changed = 0;
    for (int i = 0; i < out.length; i++) {
      if (out[i] != bytes[i]) {
        assertThat(i).isBetween(t.from(), t.to() - 1);
        changed++;
      }
    }
    assertThat(changed).isPositive();
  }

  @Test
  void badRequestsAndFilesAreRefused() {
    assertThatThrownBy(() -> graph.withFloats(Map.of("embeddings.LayerNorm.bias", new float[3])))
        .isInstanceOf(OnnxException.class)
        .hasMessageContaining("384 values");
    assertThatThrownBy(() -> graph.floats("no.such.weight"))
        .hasMessageContaining("no initializer named 'no.such.weight'");
    assertThatThrownBy(() -> graph.floats("embeddings.position_ids"))
        .hasMessageContaining("not a float32 tensor");
    assertThatThrownBy(
            () -> OnnxGraph.parse("not a model".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(OnnxException.class);
    assertThatThrownBy(() -> OnnxGraph.parse(java.util.Arrays.copyOf(bytes, 1000)))
        .isInstanceOf(OnnxException.class);
  }
}
