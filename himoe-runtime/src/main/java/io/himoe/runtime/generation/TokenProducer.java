package io.himoe.runtime.generation;

import io.himoe.runtime.mode.PerformanceProfile;
import java.util.function.Consumer;

/**
 * A push-style token producer, such as an LLM client that calls a listener for each streamed token
 * and returns when the stream ends. {@link TokenSource#fromPush} turns it into a {@link
 * TokenSource}.
 */
@FunctionalInterface
public interface TokenProducer {

  /**
   * Streams a generation, calling {@code onToken} for each chunk, and returns when it is over. The
   * call to {@code onToken} blocks while the consumer is behind (backpressure), and throws once the
   * consumer has gone; the producer should then stop.
   *
   * @param prompt the prompt
   * @param profile the profile of the mode the generation starts in (tier, token budget)
   * @param onToken receives each chunk
   * @throws Exception if the generation fails
   */
  void produce(String prompt, PerformanceProfile profile, Consumer<String> onToken)
      throws Exception;
}
