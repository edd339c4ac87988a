package io.himoe.experts.encoders;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded ONNX transformer encoder and its tokenizer: tokenises texts, runs a padded batch through
 * ONNX Runtime, pools the last hidden states and scales each vector to unit length. One session per
 * model per JVM; {@link OrtSession#run} is thread-safe.
 */
final class OnnxModel {

  /** Tokens per text, special tokens included; longer texts are truncated (BERT's limit). */
  static final int MAX_TOKENS = 512;

  private final OrtEnvironment env;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final Pooling pooling;
  private final Set<String> inputs;
  private final int dimension;
  private final boolean batchable;

  private OnnxModel(
      OrtEnvironment env,
      OrtSession session,
      HuggingFaceTokenizer tokenizer,
      Pooling pooling,
      boolean batchable)
      throws OrtException {
    this.batchable = batchable;
    this.env = env;
    this.session = session;
    this.tokenizer = tokenizer;
    this.pooling = pooling;
    this.inputs = session.getInputNames();
    if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
      throw new IllegalArgumentException(
          "onnx encoder: the graph's inputs are "
              + inputs
              + "; a BERT-style encoder takes input_ids and attention_mask");
    }
    this.dimension = embed(List.of("dimension probe"))[0].length;
  }

  static OnnxModel fromClassPath(SentenceModel m) {
    m.requireAvailable();
    byte[] graph = resource(m.onnxResource());
    try (InputStream tok = stream(m.tokenizerResource())) {
      return load(graph, tokenizer(tok), m.pooling());
    } catch (IOException e) {
      throw new UncheckedIOException("encoder " + m.id() + ": " + e.getMessage(), e);
    }
  }

  static OnnxModel fromFiles(Path onnx, Path tokenizerJson, Pooling pooling) {
    try {
      byte[] graph = Files.readAllBytes(onnx);
      try (InputStream tok = Files.newInputStream(tokenizerJson)) {
        return load(graph, tokenizer(tok), pooling);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("onnx encoder: cannot read " + e.getMessage(), e);
    }
  }

  private static HuggingFaceTokenizer tokenizer(InputStream json) throws IOException {
    Map<String, String> opts = new HashMap<>();
    opts.put("padding", "false");
    opts.put("truncation", "true");
    opts.put("maxLength", Integer.toString(MAX_TOKENS));
    return HuggingFaceTokenizer.newInstance(json, opts);
  }

  private static OnnxModel load(byte[] graph, HuggingFaceTokenizer tokenizer, Pooling pooling) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try {
      OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
      // One thread per call: the encoder's pool runs up to two calls at once on this 2-core
      // class of machine, and ONNX Runtime's spinning workers would burn the other core.
      opts.setIntraOpNumThreads(1);
      opts.setInterOpNumThreads(1);
      opts.addConfigEntry("session.intra_op.allow_spinning", "0");
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return new OnnxModel(
          env, env.createSession(graph, opts), tokenizer, pooling, !quantisesActivations(graph));
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "onnx encoder: cannot load the graph: " + e.getMessage(), e);
    }
  }

  private static InputStream stream(String name) throws IOException {
    InputStream in = OnnxModel.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("resource " + name + " is not on the class path");
    }
    return in;
  }

  private static byte[] resource(String name) {
    try (InputStream in = stream(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("encoder: " + e.getMessage(), e);
    }
  }

  /**
   * Whether the graph quantises activations at run time (int8 graphs): their scale is taken over
   * the whole input tensor, so a text's vector would depend on the other texts padded into its
   * batch. Found by the operator's name in the serialised graph.
   */
  private static boolean quantisesActivations(byte[] graph) {
    byte[] op = "DynamicQuantizeLinear".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + op.length <= graph.length; i++) {
      for (int j = 0; j < op.length; j++) {
        if (graph[i + j] != op[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * @return whether texts may share a padded batch without changing their vectors
   */
  boolean batchable() {
    return batchable;
  }

  int dimension() {
    return dimension;
  }

  /**
   * @param texts texts, tokenised and padded to the longest of them
   * @return one unit vector per text
   */
  float[][] embed(List<String> texts) {
    Encoding[] enc = new Encoding[texts.size()];
    int len = 1;
    for (int i = 0; i < enc.length; i++) {
      enc[i] = tokenizer.encode(texts.get(i));
      len = Math.max(len, enc[i].getIds().length);
    }
    int b = enc.length;
    long[] ids = new long[b * len];
    long[] mask = new long[b * len];
    long[] types = new long[b * len];
    for (int i = 0; i < b; i++) {
      long[] id = enc[i].getIds();
      long[] tt = enc[i].getTypeIds();
      System.arraycopy(id, 0, ids, i * len, id.length);
      System.arraycopy(tt, 0, types, i * len, tt.length);
      java.util.Arrays.fill(mask, i * len, i * len + id.length, 1L);
    }
    long[] shape = {b, len};
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      feed.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      feed.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (inputs.contains("token_type_ids")) {
        feed.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
      }
      try (OrtSession.Result out = session.run(feed)) {
        float[][][] hidden = (float[][][]) out.get(0).getValue();
        float[][] vectors = new float[b][];
        for (int i = 0; i < b; i++) {
          vectors[i] = unit(pool(hidden[i], enc[i].getIds().length));
        }
        return vectors;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("onnx encoder: the model failed: " + e.getMessage(), e);
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  private float[] pool(float[][] tokens, int length) {
    return switch (pooling) {
      case CLS -> tokens[0].clone();
      case MEAN -> {
        float[] sum = new float[tokens[0].length];
        for (int t = 0; t < length; t++) {
          for (int j = 0; j < sum.length; j++) {
            sum[j] += tokens[t][j];
          }
        }
        for (int j = 0; j < sum.length; j++) {
          sum[j] /= length;
        }
        yield sum;
      }
    };
  }

  static float[] unit(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    if (s > 0) {
      float inv = (float) (1 / Math.sqrt(s));
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
    return v;
  }
}
