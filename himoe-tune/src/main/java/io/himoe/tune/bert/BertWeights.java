package io.himoe.tune.bert;

import io.himoe.tune.onnx.OnnxException;
import io.himoe.tune.onnx.OnnxGraph;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The float weights of a BERT encoder exported to ONNX (Hugging Face's exporter, as in
 * all-MiniLM-L6-v2 and bge-small-en-v1.5), by their Hugging Face names. Biases and norms keep their
 * names in the graph; the dense layers' weights become anonymous {@code MatMul} inputs (e.g. {@code
 * onnx::MatMul_787}, stored {@code [in, out]}), so each is found through the graph: the {@code
 * MatMul} whose output the {@code Add} with that layer's bias reads.
 */
public final class BertWeights {

  private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

  /** The dense layers of one transformer layer, by their Hugging Face prefix. */
  static final List<String> DENSE =
      List.of(
          "attention.self.query",
          "attention.self.key",
          "attention.self.value",
          "attention.output.dense",
          "intermediate.dense",
          "output.dense");

  /** The layer norms of one transformer layer. */
  static final List<String> NORMS = List.of("attention.output.LayerNorm", "output.LayerNorm");

  private final Map<String, String> onnxNames;
  private final Map<String, long[]> shapes;
  private final Map<String, float[]> values;
  private final int layers;
  private final int hidden;

  private BertWeights(
      Map<String, String> onnxNames,
      Map<String, long[]> shapes,
      Map<String, float[]> values,
      int layers,
      int hidden) {
    this.onnxNames = onnxNames;
    this.shapes = shapes;
    this.values = values;
    this.layers = layers;
    this.hidden = hidden;
  }

  /**
   * @param graph an exported BERT encoder
   * @return its weights
   * @throws OnnxException naming the first weight that cannot be found
   */
  public static BertWeights of(OnnxGraph graph) {
    Map<String, OnnxGraph.Tensor> inits = graph.initializers();
    TreeSet<Integer> layerIds = new TreeSet<>();
    for (String name : inits.keySet()) {
      Matcher m = LAYER.matcher(name);
      if (m.find()) {
        layerIds.add(Integer.parseInt(m.group(1)));
      }
    }
    if (layerIds.isEmpty()) {
      throw new OnnxException("no 'encoder.layer.N.' weights: not a BERT encoder export");
    }
    Map<String, String> byMatMulOutput = new HashMap<>();
    for (OnnxGraph.Node n : graph.nodes()) {
      if (n.op().equals("MatMul") && n.inputs().size() == 2) {
        for (String in : n.inputs()) {
          if (inits.containsKey(in)) {
            byMatMulOutput.put(n.outputs().getFirst(), in);
          }
        }
      }
    }
    Map<String, String> weightOfBias = new HashMap<>();
    for (OnnxGraph.Node n : graph.nodes()) {
      if (n.op().equals("Add") && n.inputs().size() == 2) {
        String a = n.inputs().get(0);
        String b = n.inputs().get(1);
        if (byMatMulOutput.containsKey(a) && inits.containsKey(b)) {
          weightOfBias.put(b, byMatMulOutput.get(a));
        } else if (byMatMulOutput.containsKey(b) && inits.containsKey(a)) {
          weightOfBias.put(a, byMatMulOutput.get(b));
        }
      }
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (String e :
        List.of(
            "embeddings.word_embeddings.weight",
            "embeddings.position_embeddings.weight",
            "embeddings.token_type_embeddings.weight",
            "embeddings.LayerNorm.weight",
            "embeddings.LayerNorm.bias")) {
      names.put(e, e);
    }
    for (int l = 0; l < layerIds.size(); l++) {
      if (!layerIds.contains(l)) {
        throw new OnnxException("layer " + l + " is missing (layers found: " + layerIds + ")");
      }
      String p = "encoder.layer." + l + ".";
      for (String d : DENSE) {
        String bias = p + d + ".bias";
        String w = weightOfBias.get(bias);
        if (w == null) {
          throw new OnnxException("no MatMul feeds the Add of " + bias);
        }
        names.put(p + d + ".weight", w);
        names.put(bias, bias);
      }
      for (String n : NORMS) {
        names.put(p + n + ".weight", p + n + ".weight");
        names.put(p + n + ".bias", p + n + ".bias");
      }
    }
    Map<String, long[]> shapes = new LinkedHashMap<>();
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : names.entrySet()) {
      OnnxGraph.Tensor t = inits.get(e.getValue());
      if (t == null) {
        throw new OnnxException("no initializer '" + e.getValue() + "' for " + e.getKey());
      }
      shapes.put(e.getKey(), t.dims());
      values.put(e.getKey(), graph.floats(e.getValue()));
    }
    // names always holds the word embeddings, and every name's initializer was found above
    int hidden =
        (int)
            Objects.requireNonNull(shapes.get("embeddings.word_embeddings.weight"), "embeddings")[
                1];
    return new BertWeights(names, shapes, values, layerIds.size(), hidden);
  }

  /**
   * @return transformer layers
   */
  public int layers() {
    return layers;
  }

  /**
   * @return hidden size
   */
  public int hidden() {
    return hidden;
  }

  /**
   * @return the Hugging Face names, in a fixed order (embeddings, then layer by layer)
   */
  public List<String> names() {
    return List.copyOf(onnxNames.keySet());
  }

  /**
   * @param name a Hugging Face name
   * @return the initializer that holds it in the graph
   */
  public String onnxName(String name) {
    return require(onnxNames, name);
  }

  /**
   * @param name a Hugging Face name
   * @return its shape as stored (dense weights {@code [in, out]})
   */
  public long[] shape(String name) {
    return require(shapes, name).clone();
  }

  /**
   * @param name a Hugging Face name
   * @return a copy of its values
   */
  public float[] values(String name) {
    return require(values, name).clone();
  }

  private static <T> T require(Map<String, T> m, String name) {
    T v = m.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no BERT weight named '" + name + "'");
    }
    return v;
  }
}
