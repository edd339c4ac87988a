package io.himoe.server.store;

import io.himoe.engine.Engine;
import io.himoe.server.store.FeedbackStore.Decision;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Where the feedback endpoint hands a feedback: it is stored durably before the {@code 202}, then
 * trains the routers. One replica ({@link #local}) stores it in its log and trains at once; several
 * replicas ({@link SharedLearning}) append it to the shared log, which every replica follows and
 * trains on exactly once.
 */
public interface FeedbackIntake {

  /**
   * What became of an accepted feedback.
   *
   * @param feedbackId its position in the log, when it is already there
   * @param queued whether it waits on local disk for the database to come back
   */
  record Receipt(OptionalLong feedbackId, boolean queued) {}

  /**
   * @param traceId a trace id
   * @return whether a decision with this id is known (here, or on another replica)
   * @throws StoreException if that cannot be checked (the shared store is down and the decision was
   *     not made here)
   */
  boolean knows(String traceId);

  /**
   * Stores a feedback durably, then has it train the routers.
   *
   * @param traceId the judged decision's trace id
   * @param reward quality in [0, 1], or empty
   * @param bestExpert the right expert, or empty
   * @param notes free text, or empty
   * @param expected the right answer (a class label, a correction), or empty: it teaches the
   *     experts that learn
   * @param receivedAtMs when it was received (epoch ms)
   * @param judged the decision as this replica kept it, when it did
   * @return where it is
   * @throws StoreException if it could not be stored anywhere durable
   */
  Receipt accept(
      String traceId,
      OptionalDouble reward,
      Optional<String> bestExpert,
      Optional<String> notes,
      Optional<String> expected,
      long receivedAtMs,
      Optional<Decision> judged);

  /**
   * @return the store's state, for {@code /readyz}
   */
  StoreHealth health();

  /**
   * One replica: the feedback goes to {@code store}, then to {@code engine}.
   *
   * @param store the replica's feedback log
   * @param engine the replica's engine
   * @return the intake
   */
  static FeedbackIntake local(FeedbackStore store, Engine engine) {
    return new LocalIntake(store, engine);
  }
}
