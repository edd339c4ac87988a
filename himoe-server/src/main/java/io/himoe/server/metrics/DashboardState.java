package io.himoe.server.metrics;

import io.himoe.engine.Answer;
import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.engine.StageTrace;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * What the dashboard shows, kept live from engine events: the latest decisions with their
 * explanation, a time series of gate entropy, drift, load balance and latency, per-expert
 * utilisation and latency percentiles over a sliding window, shadow win rates and budget use.
 * Thread-safe; {@link #snapshot()} is what {@code GET /v1/dashboard} returns.
 */
public final class DashboardState implements EngineListener {

  /**
   * One recent decision.
   *
   * @param traceId its trace id
   * @param at when it finished (epoch ms)
   * @param input the request, shortened
   * @param router the primary router
   * @param answer the answer, shortened, or the error
   * @param ok whether it answered
   * @param latencyMs its latency
   * @param costUnits its cost
   * @param explanation one line per stage: gate weights, picks, shrink reason
   */
  public record Decision(
      String traceId,
      long at,
      String input,
      String router,
      String answer,
      boolean ok,
      long latencyMs,
      double costUnits,
      List<String> explanation) {}

  /**
   * One point of the time series.
   *
   * @param at epoch ms
   * @param entropy gate entropy of the request's first stage, nats
   * @param drift routing drift in [0, 1]
   * @param loadBalanceCv coefficient of variation of expert call counts
   * @param latencyMs the request's latency
   */
  public record Point(
      long at, double entropy, double drift, double loadBalanceCv, long latencyMs) {}

  /**
   * One expert's figures over the sliding window.
   *
   * @param calls calls in the window
   * @param utilisation its share of routing in the window, in [0, 1]
   * @param p50Ms median latency
   * @param p95Ms 95th percentile latency
   * @param p99Ms 99th percentile latency
   * @param failures failed or dropped calls in the window
   */
  public record ExpertFigures(
      int calls, double utilisation, long p50Ms, long p95Ms, long p99Ms, int failures) {}

  /**
   * A shadow router's record.
   *
   * @param runs comparisons
   * @param wins comparisons it won
   * @param winRate wins / runs
   */
  public record ShadowFigures(long runs, long wins, double winRate) {}

  /**
   * Budget use so far.
   *
   * @param requests answered requests
   * @param errors failed requests
   * @param costUnits total cost spent
   * @param meanTimeUsed mean share of the time budget used, in [0, 1+]
   */
  public record Budget(long requests, long errors, double costUnits, double meanTimeUsed) {}

  /**
   * Everything the page draws.
   *
   * @param decisions latest first
   * @param series oldest first
   * @param experts per expert, by name
   * @param shadows per shadow router
   * @param budget budget use
   */
  public record Snapshot(
      List<Decision> decisions,
      List<Point> series,
      Map<String, ExpertFigures> experts,
      Map<String, ShadowFigures> shadows,
      Budget budget) {}

  private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");
  private static final int DECISIONS = 25;
  private static final int POINTS = 300;
  private static final int WINDOW = 500;

  private record Call(String expert, long latencyMs, double share, boolean failed) {}

  /**
   * A decision as the engine reported it; {@link #decision()} formats it (on read).
   *
   * @param input the request's text, clipped (whitespace not yet collapsed)
   * @param answer the answer, null for a failure
   * @param error the failure ("code: message", already shortened: failures are rare), empty for an
   *     answer
   */
  private record Kept(
      String traceId,
      long at,
      String input,
      String router,
      @Nullable Value answer,
      String error,
      long latencyMs,
      double costUnits,
      List<StageTrace> stages) {

    Decision decision() {
      List<String> why = new ArrayList<>(stages.size());
      for (StageTrace s : stages) {
        why.add(explain(s));
      }
      return new Decision(
          traceId,
          at,
          shorten(input, 160),
          router,
          answer == null ? error : shorten(answer.render(), 240),
          answer != null,
          latencyMs,
          costUnits,
          why);
    }
  }

  private final InstantSource clock;
  private final MetricsListener metrics;
  private final long deadlineMs;
  private final Deque<Kept> decisions = new ArrayDeque<>();
  private final Deque<Point> series = new ArrayDeque<>();
  private final Deque<Call> window = new ArrayDeque<>();
  private long requests;
  private long errors;
  private double cost;
  private double timeUsed;

  /**
   * @param clock the clock for timestamps
   * @param metrics the metrics listener (drift, load balance, shadows)
   * @param deadlineMs the configured request budget in ms
   */
  public DashboardState(InstantSource clock, MetricsListener metrics, long deadlineMs) {
    this.clock = clock;
    this.metrics = metrics;
    this.deadlineMs = deadlineMs;
  }

  @Override
  public void on(EngineEvent event) {
    switch (event) {
      case EngineEvent.Answered a -> answered(a.input(), a.answer());
      case EngineEvent.Failed f -> failed(f.input(), f.traceId(), f.error());
      case EngineEvent.ShadowRan s -> {}
      case EngineEvent.ShadowsSkipped s -> {}
      case EngineEvent.FeedbackApplied f -> {}
    }
  }

  private void answered(InputData input, Answer answer) {
    var t = answer.trace();
    long now = clock.millis();
    StageTrace main = t.stages().getFirst();
    // Kept as the engine gave them, formatted when the dashboard is read: requests outnumber reads.
    Kept d =
        new Kept(
            t.traceId(),
            now,
            clip(input.toText(), 160),
            t.routerId(),
            answer.value(),
            "",
            t.latencyMs(),
            t.costUnits(),
            t.stages());
    synchronized (this) {
      push(decisions, d, DECISIONS, true);
      requests++;
      cost += t.costUnits();
      timeUsed += deadlineMs > 0 ? (double) t.latencyMs() / deadlineMs : 0;
      for (StageTrace s : t.stages()) {
        for (ExpertTrace e : s.experts()) {
          if (e.status().called()) {
            push(
                window,
                new Call(
                    e.name(),
                    e.latencyMs(),
                    s.mix().utilByExpert().getOrDefault(e.name(), 0.0),
                    e.status() != ExpertStatus.ANSWERED),
                WINDOW,
                false);
          }
        }
      }
    }
    // Drift is read after the metrics listener has seen this answer (it is registered first).
    Point p =
        new Point(
            now, main.mix().entropy(), metrics.drift(), metrics.loadBalanceCv(), t.latencyMs());
    synchronized (this) {
      push(series, p, POINTS, false);
    }
  }

  private void failed(InputData input, String traceId, MoeError error) {
    Kept d =
        new Kept(
            traceId,
            clock.millis(),
            clip(input.toText(), 160),
            "",
            null,
            error.code() + ": " + shorten(error.getMessage(), 200),
            0,
            0,
            List.of());
    synchronized (this) {
      push(decisions, d, DECISIONS, true);
      errors++;
    }
  }

  /**
   * @return the current figures
   */
  public Snapshot snapshot() {
    List<Kept> ds;
    List<Point> ps;
    List<Call> calls;
    Budget budget;
    synchronized (this) {
      ds = List.copyOf(decisions);
      ps = List.copyOf(series);
      calls = List.copyOf(window);
      budget = new Budget(requests, errors, cost, requests == 0 ? 0 : timeUsed / requests);
    }
    Map<String, List<Call>> byExpert = new TreeMap<>();
    double totalShare = 0;
    for (Call c : calls) {
      byExpert.computeIfAbsent(c.expert(), k -> new ArrayList<>()).add(c);
      totalShare += c.share();
    }
    Map<String, ExpertFigures> experts = new LinkedHashMap<>();
    for (Map.Entry<String, List<Call>> e : byExpert.entrySet()) {
      List<Call> cs = e.getValue();
      Histogram lat = new Histogram(3);
      cs.forEach(c -> lat.recordValue(Math.max(0, c.latencyMs())));
      double share = cs.stream().mapToDouble(Call::share).sum();
      int failed = (int) cs.stream().filter(Call::failed).count();
      experts.put(
          e.getKey(),
          new ExpertFigures(
              cs.size(),
              totalShare == 0 ? 0 : share / totalShare,
              lat.getValueAtPercentile(50),
              lat.getValueAtPercentile(95),
              lat.getValueAtPercentile(99),
              failed));
    }
    Map<String, ShadowFigures> shadows = new TreeMap<>();
    for (String id : metrics.shadowIds()) {
      long[] r = metrics.shadowRecord(id);
      shadows.put(id, new ShadowFigures(r[0], r[1], r[0] == 0 ? 0 : (double) r[1] / r[0]));
    }
    return new Snapshot(ds.stream().map(Kept::decision).toList(), ps, experts, shadows, budget);
  }

  private static String explain(StageTrace s) {
    StringBuilder sb = new StringBuilder();
    sb.append(s.label()).append(" via ").append(s.routerId()).append(": ");
    List<String> parts = new ArrayList<>();
    for (ExpertTrace e : s.experts()) {
      parts.add(
          String.format(java.util.Locale.ROOT, "%s %.2f %s", e.name(), e.weight(), e.status()));
    }
    sb.append(String.join(", ", parts));
    if (!s.shrink().isEmpty()) {
      sb.append("; top-k shrank: ").append(s.shrink());
    }
    return sb.toString();
  }

  private static <T> void push(Deque<T> q, T item, int max, boolean front) {
    if (front) {
      q.addFirst(item);
      if (q.size() > max) {
        q.removeLast();
      }
    } else {
      q.addLast(item);
      if (q.size() > max) {
        q.removeFirst();
      }
    }
  }

  /**
   * At most a few times {@code max} characters, so that a long input is not held whole; {@link
   * #shorten} gives the final form on read.
   */
  private static String clip(@Nullable String s, int max) {
    if (s == null) {
      return "";
    }
    int keep = 4 * max;
    return s.length() <= keep ? s : s.substring(0, keep);
  }

  static String shorten(@Nullable String s, int max) {
    if (s == null) {
      return "";
    }
    String one = SPACES.matcher(s).replaceAll(" ").strip();
    return one.length() <= max ? one : one.substring(0, max - 1) + "…";
  }
}
