package io.himoe.runtime.generation;

import io.himoe.runtime.mode.PerformanceProfile;

/**
 * Something that produces tokens one at a time: a local model ({@link #ngram}) or a remote LLM's
 * token stream. {@link LocalGenerator} runs any source under the runtime: demand, pool leases, the
 * mode re-read every N tokens, cancellation.
 */
@FunctionalInterface
public interface TokenSource {

  /**
   * Starts one generation.
   *
   * @param prompt the prompt
   * @param profile the profile of the mode the generation starts in
   * @return the session producing its tokens; closed by the generator
   * @throws Exception if the generation cannot start
   */
  TokenSession open(String prompt, PerformanceProfile profile) throws Exception;

  /**
   * @param model the n-gram model
   * @param seed the sampling seed (the same seed and prompt give the same text in the same mode)
   * @return a source sampling from the model with the n-gram order of the mode's tier (small 2,
   *     medium 3, large 4)
   */
  static TokenSource ngram(NgramModel model, long seed) {
    return new NgramTokenSource(model, seed);
  }

  /**
   * @param producer a push-style producer (e.g. an LLM client's streaming call)
   * @return a source that runs it on a virtual thread and hands its chunks over a 16-token buffer
   *     (the producer blocks when the consumer is 16 tokens behind); closing the session interrupts
   *     the producer
   */
  static TokenSource fromPush(TokenProducer producer) {
    return new PushTokenSource(producer, 16);
  }
}
