package io.himoe.eval.routes;

import io.himoe.eval.data.Labelled;
import io.himoe.learning.fit.FittedRoutes;
import io.himoe.learning.fit.RejectionThreshold;
import io.himoe.learning.fit.RouteGuess;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Nearest-centroid routing: each route is the normalised mean of its training utterances'
 * normalised vectors; a text goes to the route of highest cosine similarity. Probabilities are a
 * softmax of the similarities at a temperature chosen on the validation rows (else the training
 * rows) to minimise the negative log-likelihood of in-scope rows, and the rejection threshold is
 * calibrated on the validation rows like the gate's. Immutable, so thread-safe.
 *
 * @param encoder the encoder
 * @param labels the routes, sorted
 * @param centroids one unit vector per route
 * @param temperature the softmax temperature
 * @param threshold the rejection threshold
 */
record CentroidRoutes(
    Encoder encoder, List<String> labels, float[][] centroids, double temperature, double threshold)
    implements FittedRoutes {

  /** Candidate temperatures: cosine similarities differ by hundredths between close routes. */
  private static final double[] TEMPERATURES = {0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1};

  static CentroidRoutes fit(
      Encoder encoder, List<Labelled> train, List<Labelled> val, Optional<String> oosLabel) {
    Map<String, double[]> sums = new TreeMap<>();
    for (Labelled r : train) {
      if (oosLabel.isPresent() && oosLabel.get().equals(r.label())) {
        continue;
      }
      float[] v = unit(encoder.encode(InputData.text(r.text())).vector());
      double[] s = sums.computeIfAbsent(r.label(), k -> new double[v.length]);
      for (int i = 0; i < v.length; i++) {
        s[i] += v[i];
      }
    }
    List<String> labels = List.copyOf(sums.keySet());
    float[][] centroids = new float[labels.size()][];
    for (int k = 0; k < labels.size(); k++) {
      double[] s = Objects.requireNonNull(sums.get(labels.get(k)), "a key of sums");
      float[] c = new float[s.length];
      for (int i = 0; i < s.length; i++) {
        c[i] = (float) s[i];
      }
      centroids[k] = unit(c);
    }
    CentroidRoutes raw = new CentroidRoutes(encoder, labels, centroids, 1, 0);
    List<Labelled> tuning = val.isEmpty() ? train : val;
    Map<Labelled, double[]> sims = new LinkedHashMap<>();
    for (Labelled r : tuning) {
      sims.put(r, raw.similarities(r.text()));
    }
    double t = temperature(sims, labels, oosLabel);
    if (val.isEmpty()) {
      return new CentroidRoutes(encoder, labels, centroids, t, 0);
    }
    double[] conf = new double[val.size()];
    boolean[] right = new boolean[val.size()];
    boolean[] oos = new boolean[val.size()];
    int i = 0;
    for (var e : sims.entrySet()) {
      double[] p = softmax(e.getValue(), t);
      int top = argmax(p);
      conf[i] = p[top];
      oos[i] = oosLabel.isPresent() && oosLabel.get().equals(e.getKey().label());
      right[i] = !oos[i] && labels.get(top).equals(e.getKey().label());
      i++;
    }
    return new CentroidRoutes(
        encoder, labels, centroids, t, RejectionThreshold.calibrate(conf, right, oos));
  }

  private static double temperature(
      Map<Labelled, double[]> sims, List<String> labels, Optional<String> oosLabel) {
    double best = TEMPERATURES[0];
    double bestNll = Double.POSITIVE_INFINITY;
    for (double t : TEMPERATURES) {
      double nll = 0;
      for (var e : sims.entrySet()) {
        int gold = labels.indexOf(e.getKey().label());
        if (gold >= 0) {
          nll -= Math.log(Math.max(softmax(e.getValue(), t)[gold], 1e-300));
        }
      }
      if (nll < bestNll) {
        bestNll = nll;
        best = t;
      }
    }
    return best;
  }

  @Override
  public RouteGuess classify(String text) {
    double[] p = softmax(similarities(text), temperature);
    int top = argmax(p);
    String topLabel = labels.get(top);
    return new RouteGuess(
        p[top] >= threshold ? Optional.of(topLabel) : Optional.empty(), p[top], topLabel, p);
  }

  double[] similarities(String text) {
    float[] x = unit(encoder.encode(InputData.text(text)).vector());
    // Hashed text vectors are mostly zeros: visit only the non-zero components.
    int[] nz = new int[x.length];
    int m = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] != 0) {
        nz[m++] = i;
      }
    }
    double[] s = new double[centroids.length];
    for (int k = 0; k < centroids.length; k++) {
      double dot = 0;
      float[] c = centroids[k];
      for (int j = 0; j < m; j++) {
        dot += x[nz[j]] * c[nz[j]];
      }
      s[k] = dot;
    }
    return s;
  }

  static double[] softmax(double[] s, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v);
    }
    double[] p = new double[s.length];
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      p[i] = Math.exp((s[i] - max) / t);
      sum += p[i];
    }
    for (int i = 0; i < s.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static int argmax(double[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    if (norm == 0) {
      return v;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "CentroidRoutes[" + labels.size() + " routes, T=" + temperature + "]";
  }
}
