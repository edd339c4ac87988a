package io.himoe.experts;

/**
 * An expert that learns from the feedback on its own answers (seed 001 §3: after the answer, the
 * selected experts that can learn are updated). The engine joins a caller's feedback to the stored
 * decision and hands every called expert that learns its share of it ({@link ExpertFeedback}); a
 * retrieval expert can learn which passages helped, a classifier can train on a labelled answer, a
 * generator can keep well-rated exchanges as examples.
 *
 * <p>Optional: an expert that does not implement it is simply not told. Wrappers (guards, runtime
 * modes, monitors) reach the learner inside them through {@link Expert#asLearning()}, which they
 * forward. {@link #learn} runs on the feedback's thread, after the routers were trained: it should
 * be quick (buffer, then train in the background when training is slow) and must not throw for
 * feedback it cannot use.
 */
public interface LearningExpert extends Expert {

  /**
   * Learns from the feedback on one past answer this expert took part in.
   *
   * @param feedback the caller's feedback and this expert's share of the answer
   */
  void learn(ExpertFeedback feedback);
}
