package io.himoe.tune;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs an ONNX encoder graph in ONNX Runtime on given tokens: the reference the DJL transformer is
 * checked against, and the check that a written graph serves what was trained.
 */
public final class OrtReference implements AutoCloseable {

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  /**
   * @param graph the serialised graph
   * @throws OrtException if ONNX Runtime cannot load it
   */
  public OrtReference(byte[] graph) throws OrtException {
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      this.session = env.createSession(graph, opts);
    }
  }

  /**
   * @param batch tokens
   * @return the last hidden states {@code [batch][tokens][hidden]}
   * @throws OrtException if the run fails
   */
  public float[][][] hidden(TokenBatch batch) throws OrtException {
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      feed.put("input_ids", OnnxTensor.createTensor(env, batch.ids()));
      feed.put("attention_mask", OnnxTensor.createTensor(env, batch.mask()));
      if (session.getInputNames().contains("token_type_ids")) {
        feed.put("token_type_ids", OnnxTensor.createTensor(env, batch.types()));
      }
      try (OrtSession.Result r = session.run(feed)) {
        return (float[][][]) r.get(0).getValue();
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
