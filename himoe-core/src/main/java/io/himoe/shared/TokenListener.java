package io.himoe.shared;

/**
 * Receives a streamed answer's text as it is generated. A request streams when its {@link Context}
 * carries a listener ({@link Context#withTokens}) and its router calls a single {@code
 * StreamingExpert}.
 */
@FunctionalInterface
public interface TokenListener {

  /** The listener of a request that does not stream. */
  TokenListener NONE = token -> {};

  /**
   * Called for each chunk of generated text (usually one token), in order, from the thread that
   * reads the stream. Throwing aborts the stream.
   *
   * @param token the new text
   */
  void onToken(String token);
}
