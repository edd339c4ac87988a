package io.himoe.server.store;

import io.himoe.engine.Engine;
import io.himoe.engine.Feedback;
import io.himoe.server.store.FeedbackStore.Decision;
import io.himoe.server.store.FeedbackStore.Entry;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** One replica: store in the local log, then train the engine that made the decision. */
final class LocalIntake implements FeedbackIntake {

  private final FeedbackStore store;
  private final Engine engine;

  LocalIntake(FeedbackStore store, Engine engine) {
    this.store = store;
    this.engine = engine;
  }

  @Override
  public StoreHealth health() {
    return new StoreHealth("sqlite", true, 0, 0, 0);
  }

  @Override
  public boolean knows(String traceId) {
    return engine.knows(traceId);
  }

  @Override
  public Receipt accept(
      String traceId,
      OptionalDouble reward,
      Optional<String> bestExpert,
      Optional<String> notes,
      Optional<String> expected,
      long receivedAtMs,
      Optional<Decision> judged) {
    Entry stored =
        store.append(
            new Entry(
                0,
                traceId,
                reward,
                bestExpert.orElse(null),
                notes.orElse(null),
                receivedAtMs,
                judged,
                expected.orElse(null)));
    engine.feedback(new Feedback(traceId, reward, bestExpert, notes, expected));
    return new Receipt(OptionalLong.of(stored.id()), false);
  }
}
