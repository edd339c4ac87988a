package io.himoe.tune.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import io.himoe.experts.encoders.Pooling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder (post-norm, GELU, learned positions) written with DJL operators so that PyTorch's
 * autograd can train it, with the weights of a {@link BertWeights}. Its last hidden states equal
 * ONNX Runtime's on the same graph and tokens to float rounding ({@code BertEncoderTest}).
 */
public final class BertEncoder implements AutoCloseable {

  /** BERT's layer-norm epsilon (all-MiniLM-L6-v2 and bge-small-en-v1.5 use it). */
  static final float EPS = 1e-12f;

  private final NDManager manager;
  private final BertWeights weights;
  private final int heads;
  private final Map<String, NDArray> params = new LinkedHashMap<>();

  /**
   * @param manager the manager that owns the parameters (closed with this encoder)
   * @param weights the starting weights
   * @param heads attention heads (the hidden size must divide by it; 12 for MiniLM and bge-small)
   */
  public BertEncoder(NDManager manager, BertWeights weights, int heads) {
    if (heads < 1 || weights.hidden() % heads != 0) {
      throw new IllegalArgumentException(
          "attention heads must divide the hidden size " + weights.hidden() + ", got " + heads);
    }
    this.manager = manager;
    this.weights = weights;
    this.heads = heads;
    for (String n : weights.names()) {
      NDArray p = manager.create(weights.values(n), new Shape(weights.shape(n)));
      params.put(n, p);
    }
  }

  /**
   * @return the parameters by Hugging Face name (live arrays)
   */
  public Map<String, NDArray> parameters() {
    return params;
  }

  /**
   * @param includeWordEmbeddings whether the 30k-row token table trains too
   * @param topLayers how many of the last transformer layers train; all of them (and the embeddings
   *     but the token table) when it is at least {@link BertWeights#layers()}. Lower layers stay
   *     frozen, so the backward pass stops above them.
   * @return the parameters to train, with gradients attached
   */
  public List<NDArray> trainable(boolean includeWordEmbeddings, int topLayers) {
    int firstTrained = firstTrained(topLayers);
    List<NDArray> out = new ArrayList<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      String n = e.getKey();
      boolean train;
      if (n.equals("embeddings.word_embeddings.weight")) {
        train = includeWordEmbeddings && firstTrained == 0;
      } else if (n.startsWith("embeddings.")) {
        train = firstTrained == 0;
      } else {
        int layer = Integer.parseInt(n.substring("encoder.layer.".length(), n.indexOf('.', 14)));
        train = layer >= firstTrained;
      }
      if (train) {
        e.getValue().setRequiresGradient(true);
        out.add(e.getValue());
      }
    }
    return out;
  }

  /**
   * @return the current values by Hugging Face name
   */
  public Map<String, float[]> values() {
    Map<String, float[]> out = new LinkedHashMap<>();
    params.forEach((n, p) -> out.put(n, p.toFloatArray()));
    return out;
  }

  /**
   * @return the weights' layout (names, ONNX names, shapes)
   */
  public BertWeights layout() {
    return weights;
  }

  /**
   * @param ids token ids {@code [batch, tokens]}, int64
   * @param mask attention mask {@code [batch, tokens]}, 1 for tokens and 0 for padding, int64
   * @param types token type ids {@code [batch, tokens]}, int64
   * @return the last hidden states {@code [batch, tokens, hidden]}
   */
  public NDArray forward(NDArray ids, NDArray mask, NDArray types) {
    return layers(embed(ids, types), mask, 0, weights.layers());
  }

  /**
   * @param ids token ids {@code [batch, tokens]}, int64
   * @param types token type ids {@code [batch, tokens]}, int64
   * @return the embeddings after their layer norm {@code [batch, tokens, hidden]}, the first
   *     layer's input
   */
  public NDArray embed(NDArray ids, NDArray types) {
    long b = ids.getShape().get(0);
    long len = ids.getShape().get(1);
    int h = weights.hidden();
    NDArray word = p("embeddings.word_embeddings.weight").get(ids.flatten()).reshape(b, len, h);
    NDArray pos = p("embeddings.position_embeddings.weight").get("0:" + len).expandDims(0);
    NDArray type =
        p("embeddings.token_type_embeddings.weight").get(types.flatten()).reshape(b, len, h);
    return norm(word.add(pos).add(type), "embeddings.LayerNorm");
  }

  /**
   * Runs transformer layers {@code from} (inclusive) to {@code to} (exclusive) over hidden states.
   * Padding positions may hold anything: the mask keeps them out of every real token's attention.
   *
   * @param x the hidden states entering layer {@code from}, {@code [batch, tokens, hidden]}
   * @param mask attention mask {@code [batch, tokens]}, 1 for tokens and 0 for padding, int64
   * @param from the first layer to run, in [0, to]
   * @param to one past the last layer to run, at most {@link BertWeights#layers()}
   * @return the hidden states leaving layer {@code to - 1}
   */
  public NDArray layers(NDArray x, NDArray mask, int from, int to) {
    long b = x.getShape().get(0);
    long len = x.getShape().get(1);
    int h = weights.hidden();
    int d = h / heads;
    // Padding gets a large negative score before the softmax, as in the exported graph.
    NDArray ext =
        mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(-1e9f).reshape(b, 1, 1, len);
    double scale = 1 / Math.sqrt(d);
    for (int l = from; l < to; l++) {
      String pre = "encoder.layer." + l + ".";
      NDArray q = heads(dense(x, pre + "attention.self.query"), b, len, d);
      NDArray k = heads(dense(x, pre + "attention.self.key"), b, len, d);
      NDArray v = heads(dense(x, pre + "attention.self.value"), b, len, d);
      NDArray probs = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(ext).softmax(-1);
      NDArray ctx = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, len, h);
      x =
          norm(
              dense(ctx, pre + "attention.output.dense").add(x),
              pre + "attention.output.LayerNorm");
      NDArray inner = Activation.gelu(dense(x, pre + "intermediate.dense"));
      x = norm(dense(inner, pre + "output.dense").add(x), pre + "output.LayerNorm");
    }
    return x;
  }

  /**
   * @param topLayers how many of the last layers train
   * @return the first trained layer (0 when all of them, and the embeddings, train)
   */
  public int firstTrained(int topLayers) {
    return Math.max(0, weights.layers() - topLayers);
  }

  /**
   * @param hidden last hidden states {@code [batch, tokens, hidden]}
   * @param mask the attention mask {@code [batch, tokens]}
   * @param pooling how to pool
   * @return unit-length sentence vectors {@code [batch, hidden]}, as the serving encoder makes them
   */
  public static NDArray pool(NDArray hidden, NDArray mask, Pooling pooling) {
    NDArray v =
        switch (pooling) {
          case CLS -> hidden.get(":, 0, :");
          case MEAN -> {
            NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(2);
            yield hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}));
          }
        };
    return v.div(v.square().sum(new int[] {1}, true).sqrt().add(1e-12f));
  }

  private NDArray heads(NDArray x, long b, long len, int d) {
    return x.reshape(b, len, heads, d).transpose(0, 2, 1, 3);
  }

  private NDArray dense(NDArray x, String name) {
    return x.matMul(p(name + ".weight")).add(p(name + ".bias"));
  }

  private NDArray norm(NDArray x, String name) {
    return LayerNorm.layerNorm(
            x, new Shape(weights.hidden()), p(name + ".weight"), p(name + ".bias"), EPS)
        .singletonOrThrow();
  }

  private NDArray p(String name) {
    NDArray a = params.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no parameter " + name);
    }
    return a;
  }

  @Override
  public void close() {
    manager.close();
  }
}
