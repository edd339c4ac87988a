package io.himoe.server.http;

import io.himoe.engine.Answer;
import io.himoe.engine.DecisionTrace;
import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.engine.ShadowReport;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TtlLruCache;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps every recent decision by trace id (bounded: TTL + LRU) for {@code GET /v1/traces/{id}}: the
 * input, the answer or error, the decision trace and the shadow reports that arrive after.
 */
final class TraceLog implements EngineListener {

  /**
   * One decision.
   *
   * @param traceId its trace id
   * @param input the request text, shortened to 2,000 characters
   * @param answer the rendered answer, when it answered
   * @param error the error code and message, when it failed
   * @param trace the decision trace, when it answered
   * @param shadows shadow reports, as they arrive
   */
  record Entry(
      String traceId,
      String input,
      Optional<String> answer,
      Optional<String> error,
      Optional<DecisionTrace> trace,
      List<ShadowReport> shadows) {}

  /**
   * Who made a decision, recorded by the handler before the engine runs.
   *
   * @param owner the alias of the API key it was made under, empty without a key
   * @param correlationId the client's own id for the request ({@code X-Trace-Id} or {@code
   *     X-Correlation-Id}), never the decision's key
   */
  record Claim(Optional<String> owner, Optional<String> correlationId) {}

  private final TtlLruCache<String, Entry> entries;
  private final TtlLruCache<String, Claim> claims;
  private final TtlLruCache<String, ChatSessions.Note> sessions;

  TraceLog(int capacity, InstantSource clock) {
    this.entries = new TtlLruCache<>(capacity, Duration.ofHours(1), clock);
    this.claims = new TtlLruCache<>(capacity, Duration.ofHours(1), clock);
    this.sessions = new TtlLruCache<>(capacity, Duration.ofHours(1), clock);
  }

  /**
   * @param traceId a decision
   * @param note whether its conversation's session stayed with its expert, and why
   */
  void noteSession(String traceId, ChatSessions.Note note) {
    sessions.put(traceId, note);
  }

  /**
   * @param traceId a decision
   * @return its session note, when the request was a conversation with sessions on
   */
  Optional<ChatSessions.Note> sessionOf(String traceId) {
    return sessions.get(traceId);
  }

  /**
   * Records who makes a decision (before it is made: feedback may race the answer).
   *
   * @param traceId the server's trace id
   * @param claim its owner and correlation id
   */
  void claim(String traceId, Claim claim) {
    claims.put(traceId, claim);
  }

  /**
   * @param traceId a trace id
   * @return who made that decision, when this server made it recently
   */
  Optional<Claim> claimOf(String traceId) {
    return claims.get(traceId);
  }

  @Override
  public void on(EngineEvent event) {
    switch (event) {
      case EngineEvent.Answered a -> answered(a.input(), a.answer());
      case EngineEvent.Failed f -> failed(f.input(), f.traceId(), f.error());
      case EngineEvent.ShadowRan s -> shadowRan(s.report());
      case EngineEvent.ShadowsSkipped s -> {}
      case EngineEvent.FeedbackApplied f -> {}
    }
  }

  private void answered(InputData input, Answer answer) {
    entries.put(
        answer.traceId(),
        new Entry(
            answer.traceId(),
            shorten(input.toText()),
            Optional.of(answer.value().render()),
            Optional.empty(),
            Optional.of(answer.trace()),
            new CopyOnWriteArrayList<>()));
  }

  private void failed(InputData input, String traceId, MoeError error) {
    entries.put(
        traceId,
        new Entry(
            traceId,
            shorten(input.toText()),
            Optional.empty(),
            Optional.of(error.code() + ": " + error.getMessage()),
            Optional.empty(),
            new CopyOnWriteArrayList<>()));
  }

  private void shadowRan(ShadowReport report) {
    entries.get(report.traceId()).ifPresent(e -> e.shadows().add(report));
  }

  Optional<Entry> get(String traceId) {
    return entries.get(traceId);
  }

  private static String shorten(String s) {
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
  }
}
