package io.himoe.router;

import io.himoe.experts.ExpertOutcome;
import io.himoe.shared.Context;
import io.himoe.shared.MoeError;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The error of a request no called expert answered, for {@link RouteLoop}: deadline, cancel, a
 * client mistake every tried expert rejected (4xx), or the experts' failures.
 */
final class NoAnswer {

  private NoAnswer() {}

  static MoeError of(Router router, List<ExpertOutcome> outcomes, Context ctx) {
    if (ctx.cancel().isCancelled()) {
      return new MoeError.Cancelled("experts");
    }
    boolean allLate = true;
    List<ExpertOutcome.Failed> mistakes = new ArrayList<>(outcomes.size());
    boolean onlyClientMistakes = true;
    List<MoeError.ExpertMiss> misses = new ArrayList<>(outcomes.size());
    StringBuilder why = new StringBuilder("router '").append(router.id()).append("': ");
    for (int i = 0; i < outcomes.size(); i++) {
      ExpertOutcome o = outcomes.get(i);
      if (i > 0) {
        why.append("; ");
      }
      why.append(o.expert().name()).append(' ');
      switch (o) {
        case ExpertOutcome.Failed f -> {
          // An expert that gave up at the request's deadline itself (an llm call's own deadline
          // guard may fire just before the router's) was late, not broken.
          allLate &= lateItself(f.error());
          MoeError mistake = clientMistake(f.error());
          if (mistake == null) {
            onlyClientMistakes = false;
            why.append("failed (").append(f.error().getMessage()).append(')');
            misses.add(new MoeError.ExpertMiss(o.expert().name(), false, f.error().getMessage()));
          } else {
            mistakes.add(f);
            why.append("cannot process the input (").append(MoeError.reasonOf(mistake)).append(')');
          }
        }
        case ExpertOutcome.Dropped d -> {
          onlyClientMistakes = false;
          allLate &= d.reason().startsWith("deadline");
          why.append("dropped (").append(d.reason()).append(')');
          misses.add(new MoeError.ExpertMiss(o.expert().name(), true, d.reason()));
        }
        case ExpertOutcome.Skipped s -> why.append("skipped");
        case ExpertOutcome.Answered a -> why.append("answered");
      }
    }
    MoeError.Overloaded full = overloaded(outcomes);
    if (full != null) {
      return full;
    }
    if (!mistakes.isEmpty() && onlyClientMistakes) {
      // Every expert tried said it cannot process this input: that is the answer (a 4xx naming
      // each one's reason), not a failure of the experts.
      return rejected(router, mistakes);
    }
    return allLate
        ? new MoeError.DeadlineExceeded("experts (" + why + ")", misses)
        : new MoeError.NoExpertAnswered(why.toString(), misses);
  }

  /**
   * The client mistake of a request every tried expert rejected: an {@link MoeError.InvalidInput}
   * when all said so (the first), else an {@link MoeError.Unprocessable} naming each expert and its
   * reason (with the limit it exceeded, when that was the reason).
   */
  private static MoeError rejected(Router router, List<ExpertOutcome.Failed> mistakes) {
    List<MoeError> errors = new ArrayList<>(mistakes.size());
    for (ExpertOutcome.Failed f : mistakes) {
      errors.add(clientMistake(f.error()));
    }
    if (errors.stream().allMatch(e -> e instanceof MoeError.InvalidInput)) {
      return errors.getFirst();
    }
    StringBuilder detail = new StringBuilder();
    if (mistakes.size() > 1) {
      detail.append("no expert of router '").append(router.id()).append("' could process it: ");
    }
    for (int i = 0; i < mistakes.size(); i++) {
      if (i > 0) {
        detail.append("; ");
      }
      String reason = MoeError.reasonOf(errors.get(i));
      String name = mistakes.get(i).expert().name();
      detail.append(reason.startsWith(name + ":") ? reason : name + ": " + reason);
    }
    return new MoeError.Unprocessable(detail.toString());
  }

  /**
   * The request's error when every expert that did not answer refused it for a concurrency or rate
   * limit (all {@link MoeError.Overloaded}): the server is busy, not broken; the longest wait asked
   * for is the retry hint. {@code null} when any expert failed otherwise or was late.
   */
  private static MoeError.@Nullable Overloaded overloaded(List<ExpertOutcome> outcomes) {
    MoeError.Overloaded longest = null;
    for (ExpertOutcome o : outcomes) {
      switch (o) {
        case ExpertOutcome.Failed f -> {
          MoeError.Overloaded x = causeOf(f.error());
          if (x == null) {
            return null;
          }
          if (longest == null || x.retryAfter().compareTo(longest.retryAfter()) > 0) {
            longest = x;
          }
        }
        case ExpertOutcome.Dropped d -> {
          return null;
        }
        case ExpertOutcome.Skipped s -> {}
        case ExpertOutcome.Answered a -> {}
      }
    }
    return longest;
  }

  private static boolean lateItself(Throwable error) {
    for (Throwable c = error; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof MoeError.DeadlineExceeded) {
        return true;
      }
    }
    return false;
  }

  private static MoeError.@Nullable Overloaded causeOf(Throwable error) {
    for (Throwable c = error; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof MoeError.Overloaded x) {
        return x;
      }
    }
    return null;
  }

  /** The client mistake behind an expert's failure, if that is what it was. */
  static @Nullable MoeError clientMistake(Throwable error) {
    for (Throwable c = error; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (MoeError.isClientMistake(c)) {
        return (MoeError) c;
      }
    }
    return null;
  }
}
