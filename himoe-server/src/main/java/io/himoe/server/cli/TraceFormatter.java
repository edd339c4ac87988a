package io.himoe.server.cli;

import io.himoe.engine.DecisionTrace;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.engine.RoutePreview;
import io.himoe.engine.StageTrace;
import io.himoe.router.aggregation.MixMeta;
import java.util.List;
import java.util.Locale;

/** Renders decision traces and route previews as readable text for the terminal. */
public final class TraceFormatter {

  private TraceFormatter() {}

  /**
   * @param t a decision trace
   * @return a multi-line, human-readable account of the decision
   */
  public static String format(DecisionTrace t) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        f(
            "decision %s: router %s, %d ms, cost %.4f units, %d dropped%n",
            t.traceId(), t.routerId(), t.latencyMs(), t.costUnits(), t.dropCount()));
    for (StageTrace s : t.stages()) {
      sb.append(
          f(
              "  stage %s via %s (aggregator %s), input \"%s\"%n",
              s.label(), s.routerId(), s.aggregator(), shorten(s.input(), 70)));
      if (s.failed()) {
        sb.append("    failed: ").append(s.error()).append('\n');
        continue;
      }
      experts(sb, s.experts(), "    ");
      if (!s.shrink().isEmpty()) {
        sb.append("    top-k shrank: ").append(s.shrink()).append('\n');
      }
      MixMeta m = s.mix();
      sb.append(
          f(
              "    mix: k=%d, gate entropy %.3f nats, confidence %.2f, disagreement %.2f, %d ms%n",
              m.topK(), m.entropy(), m.confidence(), m.disagreement(), m.latencyTotalMs()));
      sb.append("    answer: ").append(shorten(s.answer(), 100)).append('\n');
    }
    sb.append("  shadows: ")
        .append(t.shadows().isEmpty() ? "none scheduled" : String.join(", ", t.shadows()))
        .append('\n');
    return sb.toString();
  }

  /**
   * @param p a route preview
   * @return the decision alone, readable
   */
  public static String format(RoutePreview p) {
    StringBuilder sb = new StringBuilder();
    sb.append("router ").append(p.routerId()).append('\n');
    experts(sb, p.experts(), "  ");
    sb.append("  top-k shrinks: ").append(p.shrink().isEmpty() ? "no" : p.shrink()).append('\n');
    sb.append("  shadows: ")
        .append(p.shadows().isEmpty() ? "none" : String.join(", ", p.shadows()))
        .append('\n');
    return sb.toString();
  }

  private static void experts(StringBuilder sb, List<ExpertTrace> experts, String indent) {
    sb.append(indent)
        .append(
            f(
                "%-18s %7s %7s  %-11s %8s %9s %5s%n",
                "expert", "score", "weight", "status", "latency", "cost", "conf"));
    for (ExpertTrace e : experts) {
      // Skipped experts were picked: their (zero) latency and cost are shown too.
      boolean called = e.status().called() || e.status() == ExpertStatus.SKIPPED;
      sb.append(indent)
          .append(
              f(
                  "%-18s %7.3f %7.3f  %-11s %8s %9s %5s",
                  shorten(e.name(), 18),
                  e.score(),
                  e.weight(),
                  e.status(),
                  called ? e.latencyMs() + " ms" : "",
                  called ? f("%.4f", e.costUnits()) : "",
                  e.status() == ExpertStatus.ANSWERED ? f("%.2f", e.confidence()) : ""));
      if (!e.detail().isEmpty()) {
        sb.append("  (").append(shorten(e.detail(), 80)).append(')');
      }
      sb.append('\n');
    }
  }

  private static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  static String shorten(String s, int max) {
    String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
    return one.length() <= max ? one : one.substring(0, max - 1) + "…";
  }
}
