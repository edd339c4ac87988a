package io.himoe.learning.router;

import io.himoe.experts.ExpertId;
import io.himoe.router.RouterFeedback;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The digests and counts behind a router's {@link Provenance}: a chain over the examples it was
 * fitted and warm-started on and a chain over the feedback it learned from. Thread-safe.
 */
final class Lineage {

  private String examples = Provenance.EMPTY_DIGEST;
  private String feedback = Provenance.EMPTY_DIGEST;
  private long feedbacks;

  synchronized void restore(Provenance p) {
    examples = p.examplesDigest();
    feedback = p.feedbackDigest();
    feedbacks = p.feedbacks();
  }

  synchronized void examples(String expert, List<String> texts) {
    for (String t : texts) {
      examples = Provenance.chain(examples, expert + "\t" + t);
    }
  }

  synchronized void feedback(RouterFeedback f) {
    String item =
        f.input().source().toText()
            + "\t"
            + f.chosen().stream().map(ExpertId::toString).collect(Collectors.joining(","))
            + "\t"
            + (f.reward().isPresent() ? f.reward().getAsDouble() : "")
            + "\t"
            + f.target().map(ExpertId::toString).orElse("");
    feedback = Provenance.chain(feedback, item);
    feedbacks++;
  }

  synchronized String examplesDigest() {
    return examples;
  }

  synchronized String feedbackDigest() {
    return feedback;
  }

  synchronized long feedbacks() {
    return feedbacks;
  }
}
