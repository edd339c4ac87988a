package io.himoe.tune;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.himoe.experts.encoders.Pooling;
import io.himoe.experts.encoders.SentenceModel;
import io.himoe.tune.bert.BertEncoder;
import io.himoe.tune.bert.BertWeights;
import io.himoe.tune.onnx.OnnxGraph;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * States kept below the trained layers give the vectors a full forward pass gives, whatever the
 * batch's padding: what makes training only the top layers cheap without changing what it trains.
 */
class FrozenStatesTest {

  @Test
  void topLayersOverKeptStatesEqualTheFullForwardPass() throws Exception {
    SentenceModel m = SentenceModel.MINILM_L6_V2;
    BertWeights w;
    HuggingFaceTokenizer tok;
    try (InputStream g = stream(m.onnxResource());
        InputStream t = stream(m.tokenizerResource())) {
      w = BertWeights.of(OnnxGraph.parse(g.readAllBytes()));
      tok = TokenBatch.tokenizer(t);
    }
    List<String> texts =
        List.of("hi", "what is the exchange rate of euros to dollars today", "set an alarm");
    try (NDManager nd = DjlRuntime.pytorch(1).newBaseManager();
        BertEncoder enc = new BertEncoder(nd.newSubManager(), w, 12)) {
      FrozenStates frozen = new FrozenStates(enc, tok, 4);
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      frozen.add(texts, nd, new PrintStream(log, true, StandardCharsets.UTF_8), System::nanoTime);
      assertThat(frozen.hasAll(texts)).isTrue();
      assertThat(frozen.hasAll(List.of("unseen"))).isFalse();
      assertThat(log.toString(StandardCharsets.UTF_8)).contains("frozen layers 0-3 computed");
      // computed in one batch sorted by length, read back in another order and padding
      List<String> order = List.of(texts.get(2), texts.get(0), texts.get(1));
      NDArray[] xm = frozen.batch(order, nd);
      float[] kept =
          BertEncoder.pool(enc.layers(xm[0], xm[1], 4, 6), xm[1], Pooling.MEAN).toFloatArray();
      TokenBatch tb = TokenBatch.of(tok, order);
      NDArray mask = TokenBatch.array(nd, tb.mask());
      float[] full =
          BertEncoder.pool(
                  enc.forward(
                      TokenBatch.array(nd, tb.ids()), mask, TokenBatch.array(nd, tb.types())),
                  mask,
                  Pooling.MEAN)
              .toFloatArray();
      assertThat(kept).hasSize(3 * 384);
      double maxDiff = 0;
      for (int i = 0; i < kept.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(kept[i] - full[i]));
      }
      assertThat(maxDiff).isLessThan(1e-5);
    }
  }

  static InputStream stream(String name) {
    return FrozenStatesTest.class.getClassLoader().getResourceAsStream(name);
  }
}
