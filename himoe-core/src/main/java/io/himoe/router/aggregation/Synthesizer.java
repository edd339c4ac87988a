package io.himoe.router.aggregation;

import io.himoe.shared.Context;
import io.himoe.shared.InputData;

/**
 * What turns the synthesis prompt into one answer: a router over the synthesizer expert ({@code
 * Router.asSynthesizer()}), so that the no-bypass rule holds and the call gets the request's
 * deadline, budget and trace.
 */
@FunctionalInterface
public interface Synthesizer {

  /**
   * @param prompt the request and the experts' answers, as one text
   * @param ctx the request context
   * @return the synthesized answer, with its confidence in {@link AggregatedOut#mix()}
   */
  AggregatedOut synthesize(InputData prompt, Context ctx);
}
