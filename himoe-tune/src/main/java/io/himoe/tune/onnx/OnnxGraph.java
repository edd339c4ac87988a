package io.himoe.tune.onnx;

import io.himoe.shared.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ONNX model file read as protobuf, without an ONNX library: the graph's nodes (operator,
 * inputs, outputs) and its initializers (the weights). Float initializers can be read and, since a
 * tuned tensor has the same shape, written back by overwriting their payload bytes in a copy of the
 * file: everything else in the graph stays byte for byte as it was.
 */
public final class OnnxGraph {

  /** ONNX {@code TensorProto.DataType.FLOAT}. */
  static final int FLOAT = 1;

  /**
   * A node of the graph.
   *
   * @param op the operator type ({@code MatMul}, {@code Add}, ...)
   * @param inputs the names of its inputs
   * @param outputs the names of its outputs
   */
  public record Node(String op, List<String> inputs, List<String> outputs) {
    /** Copies. */
    public Node {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
    }
  }

  /**
   * An initializer (a constant tensor of the graph).
   *
   * @param name its name
   * @param dims its shape
   * @param dataType the ONNX data type code (1 = float32)
   * @param from the first byte of its payload in the file ({@code raw_data}, or packed {@code
   *     float_data})
   * @param to one past the last
   */
  public record Tensor(String name, long[] dims, int dataType, int from, int to) {
    /** Copies. */
    public Tensor {
      dims = dims.clone();
    }

    /**
     * @return a copy of the shape
     */
    @Override
    public long[] dims() {
      return dims.clone();
    }

    /**
     * @return the number of elements
     */
    public long size() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }
  }

  private final byte[] bytes;
  private final List<Node> nodes;
  private final Map<String, Tensor> initializers;

  private OnnxGraph(byte[] bytes, List<Node> nodes, Map<String, Tensor> initializers) {
    this.bytes = bytes;
    this.nodes = nodes;
    this.initializers = initializers;
  }

  /**
   * @param bytes a serialised ONNX {@code ModelProto} (weights inside the file)
   * @return the graph
   * @throws OnnxException if the bytes are not such a model
   */
  public static OnnxGraph parse(byte[] bytes) {
    Wire model = new Wire(bytes, 0, bytes.length);
    while (model.hasNext()) {
      Wire.Field f = model.next();
      if (f.number() == 7 && f.type() == Wire.BYTES) {
        return graph(bytes, f);
      }
    }
    throw new OnnxException("no graph in the model (not an ONNX file?)");
  }

  private static OnnxGraph graph(byte[] bytes, Wire.Field g) {
    List<Node> nodes = new ArrayList<>();
    Map<String, Tensor> inits = new LinkedHashMap<>();
    Wire w = new Wire(bytes, g.from(), g.to());
    while (w.hasNext()) {
      Wire.Field f = w.next();
      if (f.type() != Wire.BYTES) {
        continue;
      }
      if (f.number() == 1) {
        nodes.add(node(bytes, f));
      } else if (f.number() == 5) {
        Tensor t = tensor(bytes, f);
        inits.put(t.name(), t);
      }
    }
    if (inits.isEmpty()) {
      throw new OnnxException("the graph has no initializers (weights in external files?)");
    }
    return new OnnxGraph(bytes, List.copyOf(nodes), inits);
  }

  private static Node node(byte[] bytes, Wire.Field n) {
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    String op = "";
    Wire w = new Wire(bytes, n.from(), n.to());
    while (w.hasNext()) {
      Wire.Field f = w.next();
      switch (f.number()) {
        case 1 -> in.add(f.string(bytes));
        case 2 -> out.add(f.string(bytes));
        case 4 -> op = f.string(bytes);
        default -> {}
      }
    }
    return new Node(op, in, out);
  }

  private static Tensor tensor(byte[] bytes, Wire.Field t) {
    List<Long> dims = new ArrayList<>();
    String name = "";
    int type = 0;
    int from = -1;
    int to = -1;
    Wire w = new Wire(bytes, t.from(), t.to());
    while (w.hasNext()) {
      Wire.Field f = w.next();
      switch (f.number()) {
        case 1 -> {
          if (f.type() == Wire.VARINT) {
            dims.add(f.value());
          } else {
            Wire packed = new Wire(bytes, f.from(), f.to());
            while (packed.hasNext()) {
              dims.add(packed.varint());
            }
          }
        }
        case 2 -> type = (int) f.value();
        case 8 -> name = f.string(bytes);
        case 4, 9 -> {
          // raw_data (9) or packed float_data (4): both little-endian float32 for FLOAT tensors.
          if (f.type() == Wire.BYTES) {
            from = f.from();
            to = f.to();
          }
        }
        case 14 ->
            throw new OnnxException("tensor " + name + " keeps its data in an external file");
        default -> {}
      }
    }
    long[] d = dims.stream().mapToLong(Long::longValue).toArray();
    return new Tensor(name, d, type, from, to);
  }

  /**
   * @return the nodes, in graph order
   */
  public List<Node> nodes() {
    return nodes;
  }

  /**
   * @return the initializers by name, in file order
   */
  public Map<String, Tensor> initializers() {
    return initializers;
  }

  /**
   * @param name a float initializer
   * @return its values, row-major
   * @throws OnnxException if there is no such float tensor with data
   */
  public float[] floats(String name) {
    Tensor t = floatTensor(name);
    float[] out = new float[(int) t.size()];
    ByteBuffer.wrap(bytes, t.from(), t.to() - t.from())
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(out);
    return out;
  }

  private Tensor floatTensor(String name) {
    Tensor t = initializers.get(name);
    if (t == null) {
      throw new OnnxException("no initializer named '" + name + "'");
    }
    if (t.dataType() != FLOAT || t.from() < 0 || (long) (t.to() - t.from()) != 4 * t.size()) {
      throw new OnnxException(
          "initializer '" + name + "' is not a float32 tensor with inline data of its shape");
    }
    return t;
  }

  /**
   * The file with some float initializers replaced by new values of the same shape.
   *
   * @param values new values by initializer name
   * @return the new file's bytes (this graph is unchanged)
   * @throws OnnxException if a name is unknown or a size differs
   */
  public byte[] withFloats(Map<String, float[]> values) {
    byte[] out = bytes.clone();
    for (Map.Entry<String, float[]> e : values.entrySet()) {
      Tensor t = floatTensor(e.getKey());
      float[] v = Objects.requireNonNull(e.getValue(), e.getKey());
      if (v.length != t.size()) {
        throw new OnnxException(
            "initializer '"
                + e.getKey()
                + "' has "
                + t.size()
                + " values "
                + Arrays.toString(t.dims())
                + ", got "
                + v.length);
      }
      ByteBuffer.wrap(out, t.from(), t.to() - t.from())
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .put(v);
    }
    return out;
  }

  /**
   * Writes {@link #withFloats} to a file atomically.
   *
   * @param values new values by initializer name
   * @param file where to write
   * @throws IOException if the file cannot be written
   */
  public void writeWithFloats(Map<String, float[]> values, Path file) throws IOException {
    AtomicFiles.write(file, withFloats(values));
  }
}
