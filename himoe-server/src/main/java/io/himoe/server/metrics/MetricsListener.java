package io.himoe.server.metrics;

import io.himoe.engine.Answer;
import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.engine.ShadowReport;
import io.himoe.engine.StageTrace;
import io.himoe.shared.MoeError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Turns engine events into Micrometer meters: requests and errors, request latency and cost,
 * per-expert calls by status, latency histograms, drops and utilisation, gate entropy, the
 * load-balance coefficient of variation, routing drift, shadow runs and win rates, feedback and
 * budget use. Names follow Micrometer conventions ({@code himoe.expert.calls} is exported to
 * Prometheus as {@code himoe_expert_calls_total}).
 */
public final class MetricsListener implements EngineListener {

  private final MeterRegistry registry;
  private final long deadlineMs;
  private final UsageDrift drift = new UsageDrift(0.2, 0.01);
  private final AtomicLong requests = new AtomicLong();
  private final Map<String, DoubleAdder> share = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final Map<String, long[]> shadows = new ConcurrentHashMap<>();
  private volatile double lastEntropy;

  /**
   * @param registry where meters go
   * @param deadlineMs the configured request budget in ms, to report the share of it used
   */
  public MetricsListener(MeterRegistry registry, long deadlineMs) {
    this.registry = registry;
    this.deadlineMs = deadlineMs;
    Gauge.builder("himoe.load.balance.cv", this, MetricsListener::loadBalanceCv)
        .description("coefficient of variation of expert call counts (0 = perfectly balanced)")
        .register(registry);
    Gauge.builder("himoe.routing.drift", this, MetricsListener::drift)
        .description("total-variation distance between recent and long-run routing, in [0, 1]")
        .register(registry);
    Gauge.builder("himoe.gate.entropy.last", this, l -> l.lastEntropy)
        .baseUnit("nats")
        .description("gate entropy of the latest request, nats")
        .register(registry);
  }

  @Override
  public void on(EngineEvent event) {
    switch (event) {
      case EngineEvent.Answered a -> answered(a.answer());
      // The edge counts failed requests (it knows the router that handled them); here only why
      // each of their expert calls failed or was dropped.
      case EngineEvent.Failed f -> failed(f.error());
      case EngineEvent.ShadowRan s -> shadowRan(s.report());
      case EngineEvent.ShadowsSkipped s -> shadowsSkipped(s);
      case EngineEvent.FeedbackApplied f -> feedback(f.routerId());
    }
  }

  private void answered(Answer answer) {
    var trace = answer.trace();
    requests.incrementAndGet();
    RequestMeters.outcome(registry, trace.routerId(), "answered").increment();
    Timer.builder("himoe.request.latency")
        .description("time from a request's start to its answer, by router")
        .tag("router", trace.routerId())
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofMillis(trace.latencyMs()));
    Counter.builder("himoe.spent")
        .description("cost units spent by the experts of answered requests")
        .baseUnit("cost_units")
        .register(registry)
        .increment(trace.costUnits());
    DistributionSummary.builder("himoe.budget.time.used")
        .description("share of the request's time budget used, in [0, 1]")
        .baseUnit("ratio")
        .register(registry)
        .record(deadlineMs > 0 ? (double) trace.latencyMs() / deadlineMs : 0);
    if (!trace.shadows().isEmpty()) {
      Counter.builder("himoe.shadow.scheduled")
          .description("shadow router runs scheduled after answers")
          .register(registry)
          .increment(trace.shadows().size());
    }
    StageTrace main = trace.stages().getFirst();
    lastEntropy = main.mix().entropy();
    drift.observe(main.mix().utilByExpert());
    for (StageTrace stage : trace.stages()) {
      if (stage.failed()) {
        continue;
      }
      DistributionSummary.builder("himoe.gate.entropy")
          .description("entropy of the gate's weights per stage, by router")
          .tag("router", stage.routerId())
          .baseUnit("nats")
          .register(registry)
          .record(stage.mix().entropy());
      stage.mix().utilByExpert().forEach((name, s) -> shareOf(name).add(s));
      for (ExpertTrace e : stage.experts()) {
        expert(e);
      }
    }
  }

  private void expert(ExpertTrace e) {
    if (e.status() == ExpertStatus.NOT_PICKED) {
      return;
    }
    Counter.builder("himoe.expert.calls")
        .description("expert calls of answered requests by status (answered, failed, dropped, ...)")
        .tag("expert", e.name())
        .tag("status", e.status().label())
        .register(registry)
        .increment();
    e.generation()
        .ifPresent(
            g -> {
              tokens(e.name(), "prompt").increment(g.promptTokens());
              tokens(e.name(), "completion").increment(g.completionTokens());
            });
    if (!e.status().called()) {
      return;
    }
    calls.computeIfAbsent(e.name(), k -> new AtomicLong()).incrementAndGet();
    Timer.builder("himoe.expert.latency")
        .description("latency of expert calls, by expert")
        .tag("expert", e.name())
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofMillis(e.latencyMs()));
    switch (e.status()) {
      case DROPPED -> drops(e.name()).increment();
      case FAILED -> errors(e.name(), reason(e.detail())).increment();
      default -> {}
    }
  }

  private void failed(MoeError error) {
    for (MoeError.ExpertMiss miss : error.misses()) {
      if (miss.dropped()) {
        drops(miss.expert()).increment();
      } else {
        errors(miss.expert(), reason(miss.detail())).increment();
      }
    }
  }

  private Counter drops(String expert) {
    return Counter.builder("himoe.expert.drops")
        .description(
            "expert calls dropped at a deadline, by expert, in answered and failed requests")
        .tag("expert", expert)
        .register(registry);
  }

  private Counter errors(String expert, String reason) {
    return Counter.builder("himoe.expert.errors")
        .description("failed expert calls, by expert and reason, in answered and failed requests")
        .tag("expert", expert)
        .tag("reason", reason)
        .register(registry);
  }

  private Counter tokens(String expert, String kind) {
    return Counter.builder("himoe.expert.tokens")
        .description("tokens sent to (prompt) and generated by (completion) each expert")
        .tag("expert", expert)
        .tag("kind", kind)
        .register(registry);
  }

  /** A failure's reason as a small label set (never the message itself). */
  static String reason(String detail) {
    String d = detail.toLowerCase(java.util.Locale.ROOT);
    if (d.contains("timeout") || d.contains("deadline") || d.contains("timed out")) {
      return "timeout";
    }
    if (d.contains("cancel")) {
      return "cancelled";
    }
    if (d.contains("circuit") || d.contains("not permitted")) {
      return "circuit_open";
    }
    if (d.contains("rate") && (d.contains("limit") || d.contains("429"))) {
      return "rate_limited";
    }
    if (d.contains("authentication") || d.contains("http 401") || d.contains("http 403")) {
      return "auth";
    }
    if (d.contains("bulkhead") || d.contains("full")) {
      return "overloaded";
    }
    if (d.contains("http 5") || d.contains("server_error") || d.contains("unavailable")) {
      return "upstream_error";
    }
    if (d.contains("bad_response") || d.contains("empty answer") || d.contains("malformed")) {
      return "bad_response";
    }
    return "error";
  }

  private DoubleAdder shareOf(String name) {
    return share.computeIfAbsent(
        name,
        n -> {
          DoubleAdder a = new DoubleAdder();
          Gauge.builder("himoe.expert.utilisation", a, x -> utilisation(x))
              .tag("expert", n)
              .baseUnit("ratio")
              .description("share of requests routed to this expert")
              .register(registry);
          return a;
        });
  }

  private double utilisation(DoubleAdder a) {
    long r = requests.get();
    return r == 0 ? 0 : a.sum() / r;
  }

  private void shadowsSkipped(EngineEvent.ShadowsSkipped s) {
    Counter.builder("himoe.shadow.skipped")
        .description("requests whose shadows did not run, by reason")
        .tag("reason", s.reason().label())
        .register(registry)
        .increment();
  }

  private void shadowRan(ShadowReport report) {
    String id = report.shadowRouter();
    long[] rec =
        shadows.computeIfAbsent(
            id,
            k -> {
              long[] r = new long[2];
              Gauge.builder("himoe.shadow.win", r, x -> rate(x))
                  .description("share of a shadow router's runs whose answer beat the primary's")
                  .baseUnit("ratio")
                  .tag("shadow", k)
                  .register(registry);
              return r;
            });
    synchronized (rec) {
      rec[0]++;
      if (report.shadowBetter()) {
        rec[1]++;
      }
    }
    Counter.builder("himoe.shadow.runs")
        .description("shadow router runs, by shadow and outcome")
        .tag("shadow", id)
        .tag("outcome", report.error().isPresent() ? "failed" : "compared")
        .register(registry)
        .increment();
    if (report.shadowBetter()) {
      Counter.builder("himoe.shadow.wins")
          .description("shadow runs whose answer beat the primary's")
          .tag("shadow", id)
          .register(registry)
          .increment();
    }
  }

  private static double rate(long[] r) {
    synchronized (r) {
      return r[0] == 0 ? 0 : (double) r[1] / r[0];
    }
  }

  private void feedback(String routerId) {
    Counter.builder("himoe.feedback")
        .description("feedback applied to routers")
        .tag("router", routerId)
        .register(registry)
        .increment();
  }

  /**
   * @return the coefficient of variation of per-expert call counts, 0 when fewer than 2 experts
   *     were called
   */
  public double loadBalanceCv() {
    int n = calls.size();
    if (n < 2) {
      return 0;
    }
    double sum = 0;
    double sq = 0;
    for (AtomicLong c : calls.values()) {
      double x = c.get();
      sum += x;
      sq += x * x;
    }
    double mean = sum / n;
    if (mean == 0) {
      return 0;
    }
    double var = Math.max(0, sq / n - mean * mean);
    return Math.sqrt(var) / mean;
  }

  /**
   * @return routing drift in [0, 1]
   */
  public double drift() {
    return drift.value();
  }

  /**
   * @param shadowId a shadow router
   * @return {@code [runs, wins]}
   */
  public long[] shadowRecord(String shadowId) {
    long[] r = shadows.get(shadowId);
    if (r == null) {
      return new long[2];
    }
    synchronized (r) {
      return r.clone();
    }
  }

  /**
   * @return shadow ids seen so far
   */
  public java.util.Set<String> shadowIds() {
    return java.util.Set.copyOf(shadows.keySet());
  }
}
