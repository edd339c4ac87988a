package io.himoe.server.assembly;

import io.himoe.experts.Expert;
import io.himoe.server.config.ExpertSpec;

/**
 * One configured expert and its wrappers, built by {@link StackBuilder} in one fixed order: guard
 * (resilience4j) -&gt; runtime mode -&gt; monitor -&gt; expert.
 *
 * @param spec what was configured
 * @param bare the expert as built (warmed up and closed by the assembly)
 * @param guarded the whole stack: what a fallback chain calls
 * @param routed what routers call: the stack, or a fallback chain starting with it
 * @param detach undoes the stack's registrations elsewhere (its guard's mode listener); run when
 *     the expert is removed
 */
record ExpertStack(
    ExpertSpec spec, Expert bare, ResilientExpert guarded, Expert routed, Runnable detach) {

  /**
   * @param r what routers call
   * @return a copy with that
   */
  ExpertStack withRouted(Expert r) {
    return new ExpertStack(spec, bare, guarded, r, detach);
  }

  /**
   * @return the guard
   */
  ExpertGuard guard() {
    return guarded.guard();
  }
}
