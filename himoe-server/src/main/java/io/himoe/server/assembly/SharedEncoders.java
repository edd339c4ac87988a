package io.himoe.server.assembly;

import io.himoe.experts.encoders.Encoders;
import io.himoe.shared.Encoder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One encoder of each kind per process: the MiniLM encoder holds an ONNX session and a cache, so
 * every router and expert that names it shares one instance (encoders are thread-safe).
 */
final class SharedEncoders {

  private static final Map<String, Encoder> BY_NAME = new ConcurrentHashMap<>();

  private SharedEncoders() {}

  /**
   * @param name {@code hashing} or {@code minilm}
   * @return the shared encoder
   * @throws IllegalArgumentException for another name
   */
  static Encoder byName(String name) {
    return BY_NAME.computeIfAbsent(name, Encoders::byName);
  }
}
