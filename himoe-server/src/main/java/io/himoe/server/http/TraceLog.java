package io.himoe.server.http;

import io.himoe.engine.Answer;
import io.himoe.engine.DecisionTrace;
import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.engine.ShadowReport;
import io.himoe.engine.StageTrace;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TtlLruCache;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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

  /** A decision made without a key and without a client id: one object for all of them. */
  private static final Claim ANONYMOUS = new Claim(Optional.empty(), Optional.empty());

  /**
   * Everything kept of one decision, under one key. The claim, the decision and the session note
   * arrive at different times; they were three maps, each with its own entry, timestamp and map
   * node per request: a server keeps the last {@code trace_capacity} requests, which under load
   * live about as long as a young collection's period and are copied by every one of them, so each
   * object per kept request costs pause time (docs/BENCHMARKS.md section 14.1, session 8). Fields
   * are written once each; shadow reports are appended under the slot's lock.
   */
  private static final class Slot {
    private volatile @Nullable Claim claim;
    private volatile ChatSessions.@Nullable Note note;
    // The decision, null until it is answered or failed: the input, then the answer or the error.
    private volatile @Nullable String input;
    private volatile @Nullable String answer;
    private volatile @Nullable String error;
    private volatile @Nullable DecisionTrace trace;
    private @Nullable List<ShadowReport> shadows;

    synchronized void addShadow(ShadowReport r) {
      if (shadows == null) {
        shadows = new ArrayList<>(1);
      }
      shadows.add(r);
    }

    synchronized List<ShadowReport> shadows() {
      return shadows == null ? List.of() : List.copyOf(shadows);
    }
  }

  private final TtlLruCache<String, Slot> slots;

  TraceLog(int capacity, InstantSource clock) {
    this.slots = new TtlLruCache<>(capacity, Duration.ofHours(1), clock);
  }

  /**
   * @param traceId a decision
   * @param note whether its conversation's session stayed with its expert, and why
   */
  void noteSession(String traceId, ChatSessions.Note note) {
    slots.getOrPut(traceId, Slot::new).note = note;
  }

  /**
   * @param traceId a decision
   * @return its session note, when the request was a conversation with sessions on
   */
  Optional<ChatSessions.Note> sessionOf(String traceId) {
    return slots.get(traceId).map(s -> s.note);
  }

  /**
   * Records who makes a decision (before it is made: feedback may race the answer).
   *
   * @param traceId the server's trace id
   * @param claim its owner and correlation id
   */
  void claim(String traceId, Claim claim) {
    boolean anonymous = claim.owner().isEmpty() && claim.correlationId().isEmpty();
    slots.getOrPut(traceId, Slot::new).claim = anonymous ? ANONYMOUS : claim;
  }

  /**
   * @param traceId a trace id
   * @return who made that decision, when this server made it recently
   */
  Optional<Claim> claimOf(String traceId) {
    return slots.get(traceId).map(s -> s.claim);
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
    DecisionTrace trace = answer.trace();
    Slot slot = slots.getOrPut(answer.traceId(), Slot::new);
    // The input and the answer are usually the strings the trace already holds (its first stage's
    // input and last stage's answer): keep one copy.
    StageTrace first = trace.stages().isEmpty() ? null : trace.stages().getFirst();
    StageTrace last = trace.stages().isEmpty() ? null : trace.stages().getLast();
    // The input goes last: a reader (get) takes a slot with an input as a whole decision.
    slot.trace = trace;
    slot.answer = same(answer.value().render(), last == null ? null : last.answer());
    slot.input = same(shorten(input.toText()), first == null ? null : first.input());
  }

  private void failed(InputData input, String traceId, MoeError error) {
    Slot slot = slots.getOrPut(traceId, Slot::new);
    slot.error = error.code() + ": " + error.getMessage();
    slot.input = shorten(input.toText());
  }

  private void shadowRan(ShadowReport report) {
    slots.get(report.traceId()).filter(s -> s.input != null).ifPresent(s -> s.addShadow(report));
  }

  Optional<Entry> get(String traceId) {
    Slot s = slots.get(traceId).orElse(null);
    String input = s == null ? null : s.input;
    if (s == null || input == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Entry(
            traceId,
            input,
            Optional.ofNullable(s.answer),
            Optional.ofNullable(s.error),
            Optional.ofNullable(s.trace),
            s.shadows()));
  }

  private static String same(String made, @Nullable String kept) {
    return kept != null && made.equals(kept) ? kept : made;
  }

  private static String shorten(String s) {
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
  }
}
