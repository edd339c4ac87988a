package io.himoe.learning.metrics;

import io.himoe.engine.Answer;
import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.engine.ExpertTrace;
import io.himoe.engine.StageTrace;
import io.himoe.router.RouterFeedback;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Computes the guardrail metrics from the engine's telemetry: register it as an {@link
 * EngineListener}. Answers give utilisation (load-balance CV), contradiction (disagreement) and the
 * gate distribution (drift between consecutive windows of requests); feedback with a reward gives
 * calibration of the answer's confidence against correctness (reward &gt;= 0.5 counts as correct).
 * Thread-safe; callbacks are short and never throw.
 */
public final class GuardrailMonitor implements EngineListener {

  private final int window;
  private final double psiAlert;
  private final double contradictionThreshold;
  private final Calibration calibration = Calibration.of(10);
  // Per expert, a running sum in a mutable cell: merging boxed Doubles into a TreeMap allocated
  // and compared on every answer. Sorted only when read (report, window close).
  private final Map<String, double[]> util = new HashMap<>();
  private final Map<String, double[]> gateNow = new HashMap<>();
  private @Nullable Map<String, Double> gatePrev; // null until the first window closes
  private int inWindow;
  private long requests;
  private long contradictions;
  private double psi;
  private double kl;
  private final Map<String, Double> confidenceByTrace;

  private GuardrailMonitor(int window, double psiAlert, double contradictionThreshold) {
    if (window < 1) {
      throw new IllegalArgumentException("drift window must be >= 1, got " + window);
    }
    this.window = window;
    this.psiAlert = psiAlert;
    this.contradictionThreshold = contradictionThreshold;
    this.confidenceByTrace =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Double> e) {
            // Feedback arrives soon after the answer; older confidences are forgotten.
            return size() > 10_000;
          }
        };
  }

  /**
   * @param window requests per drift window, &gt;= 1
   * @param psiAlert PSI above which drift is alerted (0.2 is the usual "significant shift")
   * @param contradictionThreshold disagreement above which a request counts as contradictory
   * @return a monitor
   */
  public static GuardrailMonitor of(int window, double psiAlert, double contradictionThreshold) {
    return new GuardrailMonitor(window, psiAlert, contradictionThreshold);
  }

  /**
   * @return windows of 500 requests, PSI alert at 0.2, contradiction above 0.3
   */
  public static GuardrailMonitor ofDefaults() {
    return of(500, 0.2, 0.3);
  }

  @Override
  public void on(EngineEvent event) {
    switch (event) {
      case EngineEvent.Answered a -> answered(a.answer());
      case EngineEvent.FeedbackApplied f -> feedback(f.feedback());
      case EngineEvent.Failed f -> {}
      case EngineEvent.ShadowRan s -> {}
      case EngineEvent.ShadowsSkipped s -> {}
    }
  }

  private synchronized void answered(Answer answer) {
    requests++;
    boolean contradiction = false;
    double confidence = 0;
    for (StageTrace s : answer.trace().stages()) {
      for (Map.Entry<String, Double> u : s.mix().utilByExpert().entrySet()) {
        cell(util, u.getKey())[0] += u.getValue();
      }
      for (ExpertTrace e : s.experts()) {
        cell(gateNow, e.name())[0] += e.weight();
        cell(util, e.name());
      }
      contradiction |= s.mix().disagreement() > contradictionThreshold;
      confidence = s.mix().confidence();
    }
    contradictions += contradiction ? 1 : 0;
    confidenceByTrace.put(answer.traceId(), confidence);
    if (++inWindow == window) {
      closeWindow();
    }
  }

  private static double[] cell(Map<String, double[]> sums, String key) {
    double[] c = sums.get(key);
    if (c == null) {
      c = new double[1];
      sums.put(key, c);
    }
    return c;
  }

  private static TreeMap<String, Double> sorted(Map<String, double[]> sums) {
    TreeMap<String, Double> out = new TreeMap<>();
    sums.forEach((k, v) -> out.put(k, v[0]));
    return out;
  }

  private void closeWindow() {
    if (gatePrev != null) {
      TreeMap<String, Double> keys = new TreeMap<>(gatePrev);
      gateNow.keySet().forEach(k -> keys.putIfAbsent(k, 0.0));
      double[] p = new double[keys.size()];
      double[] q = new double[keys.size()];
      int i = 0;
      for (String k : keys.keySet()) {
        p[i] = gatePrev.getOrDefault(k, 0.0);
        double[] now = gateNow.get(k);
        q[i++] = now == null ? 0.0 : now[0];
      }
      psi = Distributions.psi(p, q);
      kl = Distributions.kl(p, q);
    }
    gatePrev = sorted(gateNow);
    gateNow.clear();
    inWindow = 0;
  }

  private synchronized void feedback(RouterFeedback feedback) {
    if (feedback.reward().isEmpty()) {
      return;
    }
    Double c = confidenceByTrace.get(feedback.traceId());
    double conf = c != null ? c : topWeight(feedback);
    calibration.record(conf, feedback.reward().getAsDouble() >= 0.5);
  }

  private static double topWeight(RouterFeedback f) {
    return f.weights().size() == 0 ? Double.NaN : f.weights().scores().getFirst().value();
  }

  /**
   * @return the current metrics
   */
  public synchronized GuardrailReport report() {
    TreeMap<String, Double> byName = sorted(util);
    double total = byName.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Double> shares = new TreeMap<>();
    byName.forEach((k, v) -> shares.put(k, total == 0 ? 0 : v / total));
    double cv =
        shares.isEmpty()
            ? 0
            : Distributions.coefficientOfVariation(
                shares.values().stream().mapToDouble(Double::doubleValue).toArray());
    return new GuardrailReport(
        requests,
        calibration.ece(),
        calibration.bins(),
        calibration.count(),
        shares,
        cv,
        psi,
        kl,
        psi > psiAlert,
        requests == 0 ? 0 : (double) contradictions / requests);
  }
}
