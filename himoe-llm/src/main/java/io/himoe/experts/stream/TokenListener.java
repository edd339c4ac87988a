package io.himoe.experts.stream;

/** Receives a streamed answer's text as it is generated. */
@FunctionalInterface
public interface TokenListener {

  /**
   * Called for each chunk of generated text (usually one token), in order, from the thread that
   * reads the stream. Throwing aborts the stream.
   *
   * @param token the new text
   */
  void onToken(String token);
}
