package io.himoe.server.assembly;

import java.util.Locale;

/**
 * Working memory one input takes while a router's encoder embeds it, in bytes, for the lease its
 * calls take from the runtime's {@code activations} pool. A sum over the parts of a combined name
 * ({@code minilm+hashing}): the hashing encoder takes none (a few kilobytes of counts); a 6-layer
 * MiniLM about 8 MiB of activations for a 128-token sentence (hidden 384, FFN 1536, 12 heads'
 * attention maps), and the 12-layer models ({@code bge-small}, {@code e5-small}) or an {@code
 * onnx:FILE} graph, whose depth is unknown, twice that.
 */
final class EncoderMemory {

  static final long SIX_LAYERS = 8L << 20;

  private EncoderMemory() {}

  /**
   * @param encoderName a name {@code Encoders.byName} accepts
   * @return bytes per encoded input, 0 when no part runs a model
   */
  static long bytesPerInput(String encoderName) {
    long total = 0;
    for (String part : encoderName.split("\\+", -1)) {
      String p = part.strip().toLowerCase(Locale.ROOT);
      if (p.equals("hashing") || p.startsWith("hashing-")) {
        continue;
      }
      total += p.startsWith("minilm") || p.contains("minilm-l6") ? SIX_LAYERS : 2 * SIX_LAYERS;
    }
    return total;
  }
}
