package io.himoe.runtime.generation;

import io.himoe.runtime.mode.PerformanceProfile;
import java.io.IOException;
import java.util.Optional;

/** One generation of a {@link TokenSource}, read token by token by one thread. */
public interface TokenSession extends AutoCloseable {

  /**
   * Produces the next token. Called only when the subscriber has asked for one; may block (a remote
   * stream) and must then return promptly, with an exception, once the thread is interrupted.
   *
   * @param profile the current mode's profile (its tier may change during the generation)
   * @return the next chunk to append to the text, or empty when the generation is over
   * @throws Exception if the generation fails
   */
  Optional<String> next(PerformanceProfile profile) throws Exception;

  /**
   * @return the most working memory one call of {@link #next} uses, in bytes; the generator leases
   *     it from the {@code activations} pool for each step of {@code speculationLength} tokens
   */
  default long stepBytes() {
    return 0;
  }

  /**
   * Releases what the session holds (a connection); the default does nothing.
   *
   * @throws IOException if releasing fails
   */
  @Override
  default void close() throws IOException {}
}
