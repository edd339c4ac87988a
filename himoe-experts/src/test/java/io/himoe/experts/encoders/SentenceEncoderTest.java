package io.himoe.experts.encoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.shared.Encoded;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentenceEncoderTest {

  private static final SentenceModel MINILM = SentenceModel.MINILM_L6_V2_Q;

  private static double cosine(Encoded a, Encoded b) {
    return HashingEncoderTest.cosine(a, b);
  }

  @Test
  void encodesMeaningNotJustWords() {
    SentenceEncoder enc = SentenceEncoder.of(MINILM, 16);
    Encoded q = enc.encode(InputData.text("How tall is the Eiffel Tower?"));
    Encoded near = enc.encode(InputData.text("What is the height of the tower in Paris?"));
    Encoded far = enc.encode(InputData.text("My cat likes to sleep on the sofa."));
    assertThat(q.dimension()).isEqualTo(384);
    assertThat(enc.dimension()).isEqualTo(384);
    assertThat(Math.sqrt(cosine(q, q))).isCloseTo(1.0, Offset.offset(1e-4));
    assertThat(cosine(q, near)).isGreaterThan(cosine(q, far) + 0.2);
  }

  @Test
  void batchesEqualOneByOneAndFillTheCache() {
    batchesEqualOneByOne(MINILM);
  }

  @Test
  void paddedFullPrecisionBatchesEqualOneByOne() {
    batchesEqualOneByOne(SentenceModel.MINILM_L6_V2);
  }

  private static void batchesEqualOneByOne(SentenceModel model) {
    SentenceEncoder batch = SentenceEncoder.of(model, 100);
    SentenceEncoder single = SentenceEncoder.of(model, 0);
    List<InputData> in = new ArrayList<>();
    in.add(InputData.text("Bonjour tout le monde"));
    in.add(InputData.text("What is 2^10?"));
    in.add(InputData.text("Bonjour tout le monde"));
    // More than one batch, of very different lengths, so padding and ordering both matter.
    for (int i = 0; i < SentenceEncoder.BATCH + 5; i++) {
      in.add(InputData.text("sentence " + i + " about routing" + " experts".repeat(i % 7)));
    }
    List<Encoded> out = batch.encodeAll(in);
    assertThat(out).hasSize(in.size());
    assertThat(out.get(0)).isEqualTo(out.get(2));
    for (int i = 0; i < in.size(); i++) {
      Encoded one = single.encode(in.get(i));
      assertThat(cosine(one, out.get(i))).isCloseTo(1.0, Offset.offset(1e-5));
    }
    assertThat(batch.cachedTexts()).isEqualTo(in.size() - 1);
    long hits = batch.cacheHits();
    assertThat(batch.encode(in.get(1))).isEqualTo(out.get(1));
    assertThat(batch.cacheHits()).isEqualTo(hits + 1);
  }

  @Test
  void e5PutsItsQueryPrefixBeforeEveryText(@TempDir Path dir) throws Exception {
    // The same int8 graph read from files with and without e5's prefix: the built-in encoder
    // must equal the one given "query: " explicitly, and differ from the bare one.
    Path graph = copy(SentenceModel.E5_SMALL_V2_Q.onnxResource(), dir.resolve("e5.onnx"));
    Path tok = copy(SentenceModel.E5_SMALL_V2_Q.tokenizerResource(), dir.resolve("tok.json"));
    InputData text = InputData.text("book a table for two");
    Encoded builtIn = SentenceEncoder.of(SentenceModel.E5_SMALL_V2_Q, 0).encode(text);
    Encoded prefixed =
        SentenceEncoder.fromFiles(graph, tok, Pooling.MEAN, "query: ", 0).encode(text);
    Encoded bare = SentenceEncoder.fromFiles(graph, tok, Pooling.MEAN, "", 0).encode(text);
    assertThat(cosine(builtIn, prefixed)).isCloseTo(1.0, Offset.offset(1e-5));
    assertThat(cosine(builtIn, bare)).isLessThan(0.999);
  }

  @Test
  void anOnnxFileOnDiskEqualsTheBuiltInModelAndPoolingMatters(@TempDir Path dir) throws Exception {
    Path graph = copy(MINILM.onnxResource(), dir.resolve("model.onnx"));
    copy(MINILM.tokenizerResource(), dir.resolve("tokenizer.json"));
    InputData text = InputData.text("transfer money to my savings account");
    Encoded builtIn = SentenceEncoder.of(MINILM, 0).encode(text);
    var mean = Encoders.byName("onnx:" + graph);
    var cls = Encoders.byName("onnx:" + graph + ",pooling=cls");
    assertThat(cosine(mean.encode(text), builtIn)).isCloseTo(1.0, Offset.offset(1e-5));
    assertThat(cosine(cls.encode(text), builtIn)).isLessThan(0.99);
  }

  @Test
  void aFileThatIsNotAnEncoderIsRefusedWithItsName(@TempDir Path dir) throws Exception {
    Path graph = Files.writeString(dir.resolve("broken.onnx"), "not a graph");
    Path tok = copy(MINILM.tokenizerResource(), dir.resolve("tokenizer.json"));
    SentenceEncoder enc = SentenceEncoder.fromFiles(graph, tok, Pooling.MEAN, "", 0);
    assertThatThrownBy(() -> enc.encode(InputData.text("hi")))
        .isInstanceOf(MoeError.EncodeError.class)
        .hasMessageContaining("cannot load the graph");
  }

  @Test
  void refusesFeaturesAndNegativeCache() {
    assertThatThrownBy(() -> SentenceEncoder.of(MINILM).encode(InputData.features(1f)))
        .isInstanceOf(MoeError.EncodeError.class)
        .hasMessageContaining("feature vector");
    assertThatThrownBy(() -> SentenceEncoder.of(MINILM, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheSize");
  }

  @Test
  void manyVirtualThreadsShareTheBoundedPool() throws Exception {
    SentenceEncoder enc = SentenceEncoder.of(MINILM, 0).warmUp();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      texts.add("sentence number " + i + " about routing experts");
    }
    try (var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<Encoded>> fs = new ArrayList<>();
      for (String t : texts) {
        fs.add(exec.submit(() -> enc.encode(InputData.text(t))));
      }
      for (int i = 0; i < texts.size(); i++) {
        Encoded alone = enc.encode(InputData.text(texts.get(i)));
        assertThat(cosine(alone, fs.get(i).get())).isCloseTo(1.0, Offset.offset(1e-4));
      }
    }
  }

  @Test
  void interruptedCallerIsReleasedWithCancelled() {
    SentenceEncoder enc = SentenceEncoder.of(MINILM, 0).warmUp();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> enc.encode(InputData.text("interrupted before the call")))
          .isInstanceOf(MoeError.Cancelled.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  static Path copy(String resource, Path to) throws Exception {
    try (InputStream in =
        SentenceEncoderTest.class.getClassLoader().getResourceAsStream(resource)) {
      Files.copy(in, to);
    }
    return to;
  }
}
