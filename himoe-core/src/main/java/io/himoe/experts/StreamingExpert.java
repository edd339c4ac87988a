package io.himoe.experts;

import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.TokenListener;

/**
 * An expert that can also deliver its answer token by token. The same deadline and cancellation
 * rules as {@link Expert#infer} apply; a failure after the first token cannot be hidden by a retry
 * or a fallback, since the caller has already seen part of the answer. Like {@code infer}, only
 * routers call it.
 */
public interface StreamingExpert extends Expert {

  /**
   * Answers one input, streaming the text to {@code listener} as it comes, and returns the whole
   * answer with its cost once the stream ends.
   *
   * @param input the input
   * @param ctx the request context (deadline, cancel token)
   * @param listener receives each token
   * @return the complete answer
   * @throws Exception any failure, including one after tokens were delivered
   */
  ExpertOut stream(InputData input, Context ctx, TokenListener listener) throws Exception;
}
