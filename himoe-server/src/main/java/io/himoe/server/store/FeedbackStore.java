package io.himoe.server.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * The durable, append-only feedback log: each feedback is committed before the server answers
 * {@code 202}, so it survives a crash and can be replayed into learned routers. Two
 * implementations: an embedded SQLite file ({@link #open(Path)}, one replica) and a shared
 * PostgreSQL table ({@link SharedStore}, every replica). Implementations are thread-safe.
 */
public interface FeedbackStore extends AutoCloseable {

  /**
   * One stored feedback.
   *
   * @param id its position in the log (increasing in commit order)
   * @param traceId the decision it is about
   * @param reward quality in [0, 1], when given
   * @param bestExpert the expert that should have answered, when given
   * @param notes free text, when given
   * @param receivedAtMs when it was received (epoch ms)
   * @param decision the decision it judged (router, input, chosen experts), when it was still known
   *     when the feedback arrived
   * @param expected the right answer as the caller stated it (a class label, a correction), when
   *     given: it teaches the experts that learn
   */
  record Entry(
      long id,
      String traceId,
      OptionalDouble reward,
      @Nullable String bestExpert,
      @Nullable String notes,
      long receivedAtMs,
      Optional<Decision> decision,
      @Nullable String expected) {

    /** An entry without an expected answer. */
    public Entry(
        long id,
        String traceId,
        OptionalDouble reward,
        @Nullable String bestExpert,
        @Nullable String notes,
        long receivedAtMs,
        Optional<Decision> decision) {
      this(id, traceId, reward, bestExpert, notes, receivedAtMs, decision, null);
    }
  }

  /**
   * What a feedback judged, stored with it so that the log can retrain routers offline and on every
   * replica.
   *
   * @param router the router that decided
   * @param input the request text
   * @param chosen the experts it called, in order
   */
  record Decision(String router, String input, List<String> chosen) {
    /** Validates and copies. */
    public Decision {
      Objects.requireNonNull(router, "router");
      Objects.requireNonNull(input, "input");
      chosen = List.copyOf(chosen);
    }
  }

  /**
   * Opens (or creates) the embedded SQLite log.
   *
   * @param file the SQLite file; its directory is created if missing
   * @return the store
   * @throws StoreException if it cannot be opened
   */
  static FeedbackStore open(Path file) {
    return SqliteFeedbackStore.open(file);
  }

  /**
   * Stores one feedback and commits it.
   *
   * @param traceId the decision
   * @param reward quality in [0, 1], or empty
   * @param bestExpert the right expert, or {@code null}
   * @param notes free text, or {@code null}
   * @param receivedAtMs when it was received (epoch ms)
   * @return the stored entry
   * @throws StoreException if it could not be stored
   */
  default Entry append(
      String traceId, OptionalDouble reward, String bestExpert, String notes, long receivedAtMs) {
    return append(traceId, reward, bestExpert, notes, receivedAtMs, Optional.empty());
  }

  /**
   * Stores one feedback with the decision it judged, and commits it.
   *
   * @param traceId the decision
   * @param reward quality in [0, 1], or empty
   * @param bestExpert the right expert, or {@code null}
   * @param notes free text, or {@code null}
   * @param receivedAtMs when it was received (epoch ms)
   * @param decision the judged decision, when known
   * @return the stored entry
   * @throws StoreException if it could not be stored
   */
  default Entry append(
      String traceId,
      OptionalDouble reward,
      String bestExpert,
      String notes,
      long receivedAtMs,
      Optional<Decision> decision) {
    return append(new Entry(0, traceId, reward, bestExpert, notes, receivedAtMs, decision));
  }

  /**
   * Stores one feedback and commits it.
   *
   * @param pending the feedback (its id is ignored: the log assigns it)
   * @return the stored entry, with its id
   * @throws StoreException if it could not be stored
   */
  Entry append(Entry pending);

  /**
   * @param traceId a decision
   * @return its feedback, oldest first
   * @throws StoreException if the log cannot be read
   */
  List<Entry> forTrace(String traceId);

  /**
   * @param router a router id
   * @return the feedback on that router's decisions whose decision is stored, oldest first
   * @throws StoreException if the log cannot be read
   */
  List<Entry> forRouter(String router);

  /**
   * The log's tail after a position: what a replica's cursor has not consumed yet.
   *
   * @param afterId a position ({@link Entry#id()}), 0 for the start
   * @param limit entries at most
   * @return the entries with a greater id, oldest first
   * @throws StoreException if the log cannot be read
   */
  List<Entry> after(long afterId, int limit);

  /**
   * @return how many feedback entries are stored
   * @throws StoreException if the log cannot be read
   */
  long count();

  /** Closes the store. */
  @Override
  void close();
}
