package io.himoe.learning.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.learning.bandit.Bandit;
import io.himoe.learning.gate.Balancing;
import io.himoe.learning.gate.GateConfig;
import io.himoe.learning.gate.GateSignal;
import io.himoe.learning.gate.NeuralGate;
import io.himoe.shared.InputData;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Evidence 2 and 3 of issue 3 (not a unit test; run by hand): replays the LLM-outcomes queries as a
 * stream; each policy picks one model per query, sees only that model's correctness, and earns
 * {@code correct − w·price/maxPrice}. Compares learned policies with the best single model and the
 * oracle (both in hindsight), prints a table and writes a PNG of the running reward; also the
 * load-balancing ablation (utilisation CV of the neural gate with λ = 0 and the default λ).
 *
 * <p>Args: {@code DATA_DIR OUT_PNG [costWeight] [seed] [hash:DIM|minilm]}.
 */
public final class OutcomeStreamBench {

  private OutcomeStreamBench() {}

  record Row(String query, double[] correct) {}

  /** A policy under test: choose an arm, then learn from its reward. */
  interface Policy {
    int choose(float[] x, Random rnd);

    void learn(float[] x, int arm, double reward);
  }

  record Result(
      String name,
      double[] curve,
      double[] accuracyCurve,
      double reward,
      double accuracy,
      double cost,
      double cv) {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Path png = Path.of(args[1]);
    double w = args.length > 2 ? Double.parseDouble(args[2]) : 0.2;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
    io.himoe.shared.Encoder enc = BenchEncoders.parse(args.length > 4 ? args[4] : "hash:512");
    ObjectMapper json = new ObjectMapper();
    JsonNode prices = json.readTree(dir.resolve("models.json").toFile());
    List<Row> rows = new ArrayList<>();
    List<String> models = null;
    for (String line : Files.readAllLines(dir.resolve("train.jsonl"))) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = json.readTree(line);
      if (models == null) {
        TreeSet<String> names = new TreeSet<>();
        n.get("scores").fieldNames().forEachRemaining(names::add);
        models = List.copyOf(names);
      }
      double[] c = new double[models.size()];
      for (int k = 0; k < c.length; k++) {
        c[k] = n.get("scores").get(models.get(k)).asDouble();
      }
      rows.add(new Row(n.get("query").asText(), c));
    }
    java.util.Collections.shuffle(rows, new Random(seed));
    int m = models.size();
    double[] price = new double[m];
    double maxPrice = 0;
    for (int k = 0; k < m; k++) {
      JsonNode p = prices.get(models.get(k));
      price[k] =
          (p.get("input_price_per_mtok").asDouble() + p.get("output_price_per_mtok").asDouble())
              / 2;
      maxPrice = Math.max(maxPrice, price[k]);
    }
    double[] cost = new double[m];
    for (int k = 0; k < m; k++) {
      cost[k] = price[k] / maxPrice;
    }
    List<float[]> xs = new ArrayList<>();
    for (io.himoe.shared.Encoded e :
        enc.encodeAll(rows.stream().map(r -> InputData.text(r.query())).toList())) {
      xs.add(e.vector());
    }
    int dim = xs.get(0).length;

    // Hindsight baselines.
    int best = 0;
    double bestReward = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < m; k++) {
      double s = 0;
      for (Row r : rows) {
        s += r.correct()[k] - w * cost[k];
      }
      if (s > bestReward) {
        bestReward = s;
        best = k;
      }
    }
    int bestArm = best;
    Map<String, Policy> policies = new LinkedHashMap<>();
    policies.put("oracle", fixed(rows, xs, k -> -1, cost, w));
    policies.put("best single (" + models.get(best) + ")", fixed(rows, xs, k -> bestArm, cost, w));
    policies.put("thompson (no context)", banditPolicy(Bandit.thompson(m, 0.3, seed), false));
    policies.put("linucb (" + enc.id() + ")", banditPolicy(Bandit.linUcb(m, dim, 0.2), true));
    GateConfig gc = GateConfig.ofDefaults().withLearningRate(0.02).withSeed(seed);
    policies.put(
        "neural gate REINFORCE λ=0",
        gatePolicy(NeuralGate.create(dim, m, gc.withBalancing(Balancing.NONE, 0))));
    policies.put(
        "neural gate REINFORCE λ=" + gc.lambda(), gatePolicy(NeuralGate.create(dim, m, gc)));

    policies.put(
        "quality regression, bandit feedback, eps 0.05",
        regression(dim, m, cost, w, 0.05, null, rows, xs));
    policies.put(
        "quality regression, full feedback", regression(dim, m, cost, w, 0, rows, rows, xs));

    List<Result> results = new ArrayList<>();
    for (Map.Entry<String, Policy> e : policies.entrySet()) {
      results.add(run(e.getKey(), e.getValue(), rows, xs, cost, w, seed));
    }
    System.out.printf(
        "LLM outcomes stream: %d queries, %d models, reward = correct - %.2f*price/max%n",
        rows.size(), m, w);
    System.out.printf("%-40s %8s %8s %8s %8s%n", "policy", "reward", "acc", "cost", "util CV");
    for (Result r : results) {
      System.out.printf(
          "%-40s %8.4f %8.4f %8.4f %8.3f%n", r.name(), r.reward(), r.accuracy(), r.cost(), r.cv());
    }
    Result oracle = results.get(0);
    Result single = results.get(1);
    for (Result r : results.subList(2, results.size())) {
      System.out.printf(
          "%-40s gap closed: reward %.1f%%, accuracy %.1f%%%n",
          r.name(),
          100 * (r.reward() - single.reward()) / (oracle.reward() - single.reward()),
          100 * (r.accuracy() - single.accuracy()) / (oracle.accuracy() - single.accuracy()));
    }
    plot(results, png);
    hindsightBounds(rows, xs, cost, w, oracle, single);
  }

  /**
   * How much of the gap any policy that sees only the query text could close, estimated from above
   * the online setting: batch learners that see every model's outcome on the training folds (full
   * information, no exploration), scored by 5-fold cross-validation. If these close little of the
   * gap, the rest is per-query luck that no router reading the text can predict.
   */
  private static void hindsightBounds(
      List<Row> rows, List<float[]> xs, double[] cost, double w, Result oracle, Result single) {
    int n = rows.size();
    int m = cost.length;
    int[] fold = new int[n];
    for (int i = 0; i < n; i++) {
      fold[i] = i % 5;
    }
    double[][] reward = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < m; k++) {
        reward[i][k] = rows.get(i).correct()[k] - w * cost[k];
      }
    }
    // (a) The query's first word as its task (e.g. "Write", "Q:", "Which"): the best model per
    // word on the other folds, the best single model for words seen fewer than 3 times.
    int[] groupChoice = new int[n];
    for (int f = 0; f < 5; f++) {
      Map<String, double[]> sums = new java.util.HashMap<>();
      Map<String, Integer> counts = new java.util.HashMap<>();
      double[] all = new double[m];
      for (int i = 0; i < n; i++) {
        if (fold[i] != f) {
          String word = firstWord(rows.get(i).query());
          double[] s = sums.computeIfAbsent(word, k -> new double[m]);
          counts.merge(word, 1, Integer::sum);
          for (int k = 0; k < m; k++) {
            s[k] += reward[i][k];
            all[k] += reward[i][k];
          }
        }
      }
      for (int i = 0; i < n; i++) {
        if (fold[i] == f) {
          String word = firstWord(rows.get(i).query());
          groupChoice[i] = counts.getOrDefault(word, 0) >= 3 ? argmax(sums.get(word)) : argmax(all);
        }
      }
    }
    // (b) k nearest neighbours (cosine on the encoder's vectors) on the other folds: the model
    // with the best mean reward among the 25 closest queries.
    int[] knnChoice = new int[n];
    int kn = 25;
    double[] norm = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (float v : xs.get(i)) {
        s += (double) v * v;
      }
      norm[i] = Math.sqrt(s) + 1e-12;
    }
    for (int i = 0; i < n; i++) {
      float[] xi = xs.get(i);
      java.util.PriorityQueue<double[]> nearest =
          new java.util.PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
      for (int j = 0; j < n; j++) {
        if (fold[j] == fold[i]) {
          continue;
        }
        float[] xj = xs.get(j);
        double dot = 0;
        for (int d = 0; d < xi.length; d++) {
          dot += xi[d] * xj[d];
        }
        double sim = dot / (norm[i] * norm[j]);
        if (nearest.size() < kn) {
          nearest.add(new double[] {sim, j});
        } else if (sim > nearest.peek()[0]) {
          nearest.poll();
          nearest.add(new double[] {sim, j});
        }
      }
      double[] s = new double[m];
      for (double[] e : nearest) {
        for (int k = 0; k < m; k++) {
          s[k] += reward[(int) e[1]][k];
        }
      }
      knnChoice[i] = argmax(s);
    }
    System.out.println(
        "Hindsight bounds (full information on 4/5 of the queries, 5-fold cross-validation):");
    for (Map.Entry<String, int[]> e :
        List.of(
            Map.entry("best model per first word", groupChoice),
            Map.entry("best model of 25 nearest", knnChoice))) {
      double r = 0;
      double acc = 0;
      for (int i = 0; i < n; i++) {
        int a = e.getValue()[i];
        r += reward[i][a];
        acc += rows.get(i).correct()[a];
      }
      r /= n;
      acc /= n;
      System.out.printf(
          "%-40s %8.4f %8.4f   gap closed: reward %.1f%%, accuracy %.1f%%%n",
          e.getKey(),
          r,
          acc,
          100 * (r - single.reward()) / (oracle.reward() - single.reward()),
          100 * (acc - single.accuracy()) / (oracle.accuracy() - single.accuracy()));
    }
  }

  private static String firstWord(String query) {
    String t = query.strip();
    int sp = 0;
    while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) {
      sp++;
    }
    return t.substring(0, sp);
  }

  /** A hindsight policy: a fixed arm, or (arm -1) the oracle's cheapest correct model. */
  private static Policy fixed(
      List<Row> rows,
      List<float[]> xs,
      java.util.function.IntUnaryOperator arm,
      double[] cost,
      double w) {
    Map<float[], Integer> index = new java.util.IdentityHashMap<>();
    for (int i = 0; i < xs.size(); i++) {
      index.put(xs.get(i), i);
    }
    return new Policy() {
      @Override
      public int choose(float[] x, Random rnd) {
        int a = arm.applyAsInt(0);
        if (a >= 0) {
          return a;
        }
        double[] c = rows.get(index.get(x)).correct();
        int bestK = 0;
        for (int k = 1; k < c.length; k++) {
          if (c[k] - w * cost[k] > c[bestK] - w * cost[bestK]) {
            bestK = k;
          }
        }
        return bestK;
      }

      @Override
      public void learn(float[] x, int a, double reward) {}
    };
  }

  /**
   * Online per-model quality regression (sigmoid outputs, binary cross-entropy, Adam) choosing
   * {@code argmax p_k − w·cost_k}, ε-greedy. With {@code full} every model's outcome is learned (as
   * if all were evaluated, e.g. by shadows); otherwise only the chosen model's.
   */
  private static Policy regression(
      int dim,
      int m,
      double[] cost,
      double w,
      double eps,
      List<Row> full,
      List<Row> rows,
      List<float[]> xs) {
    io.himoe.learning.nn.Mlp net = io.himoe.learning.nn.Mlp.create(dim, 0, m, 7);
    io.himoe.learning.nn.Adam adam = io.himoe.learning.nn.Adam.of(net.parameterCount(), 0.01, 0);
    Map<float[], Integer> index = new java.util.IdentityHashMap<>();
    for (int i = 0; i < xs.size(); i++) {
      index.put(xs.get(i), i);
    }
    return new Policy() {
      @Override
      public int choose(float[] x, Random rnd) {
        if (rnd.nextDouble() < eps) {
          return rnd.nextInt(m);
        }
        double[] z = net.forward(x).logits();
        double[] s = new double[m];
        for (int k = 0; k < m; k++) {
          s[k] = 1 / (1 + Math.exp(-z[k])) - w * cost[k];
        }
        return argmax(s);
      }

      @Override
      public void learn(float[] x, int arm, double reward) {
        io.himoe.learning.nn.Mlp.Pass pass = net.forward(x);
        double[] d = new double[m];
        double[] correct = rows.get(index.get(x)).correct();
        for (int k = 0; k < m; k++) {
          if (full != null || k == arm) {
            d[k] = 1 / (1 + Math.exp(-pass.logits()[k])) - correct[k];
          }
        }
        double[] grad = new double[net.parameterCount()];
        net.backward(pass, d, grad);
        adam.step(net.parametersView(), grad);
      }
    };
  }

  private static Policy banditPolicy(Bandit b, boolean contextual) {
    return new Policy() {
      @Override
      public int choose(float[] x, Random rnd) {
        return argmax(b.scores(contextual ? Optional.of(x) : Optional.empty()));
      }

      @Override
      public void learn(float[] x, int arm, double reward) {
        b.update(arm, contextual ? Optional.of(x) : Optional.empty(), reward);
      }
    };
  }

  private static Policy gatePolicy(NeuralGate g) {
    return new Policy() {
      @Override
      public int choose(float[] x, Random rnd) {
        // On-policy REINFORCE: sample from the gate (with the balancing bias when configured).
        double[] p = io.himoe.learning.nn.Losses.softmax(g.selectionScores(x));
        double u = rnd.nextDouble();
        int a = 0;
        for (double acc = p[0]; acc < u && a < p.length - 1; acc += p[++a]) {}
        g.recordRouting(a);
        return a;
      }

      @Override
      public void learn(float[] x, int arm, double reward) {
        g.train(x, new GateSignal.Reward(new int[] {arm}, reward));
      }
    };
  }

  private static Result run(
      String name, Policy p, List<Row> rows, List<float[]> xs, double[] cost, double w, long seed) {
    Random rnd = new Random(seed * 31 + name.hashCode());
    double total = 0;
    double right = 0;
    double spent = 0;
    double[] util = new double[cost.length];
    double[] curve = new double[rows.size()];
    double[] accuracyCurve = new double[rows.size()];
    Iterator<float[]> it = xs.iterator();
    for (int i = 0; i < rows.size(); i++) {
      float[] x = it.next();
      int a = p.choose(x, rnd);
      double c = rows.get(i).correct()[a];
      double r = c - w * cost[a];
      p.learn(x, a, r);
      total += r;
      right += c;
      spent += cost[a];
      util[a]++;
      curve[i] = total / (i + 1);
      accuracyCurve[i] = right / (i + 1);
    }
    int n = rows.size();
    return new Result(
        name,
        curve,
        accuracyCurve,
        total / n,
        right / n,
        spent / n,
        io.himoe.learning.metrics.Distributions.coefficientOfVariation(util));
  }

  private static int argmax(double[] s) {
    int a = 0;
    for (int i = 1; i < s.length; i++) {
      if (s[i] > s[a]) {
        a = i;
      }
    }
    return a;
  }

  /** Two panels, running mean reward above and running accuracy below, one line per policy. */
  private static void plot(List<Result> results, Path png) throws IOException {
    int wdt = 1000;
    int hgt = 960;
    BufferedImage img = new BufferedImage(wdt, hgt, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, wdt, hgt);
    panel(g, results, Result::curve, 20, "queries (running mean reward)");
    panel(g, results, Result::accuracyCurve, 500, "queries (running accuracy)");
    Color[] colors = colors();
    for (int k = 0; k < results.size(); k++) {
      g.setColor(colors[k % colors.length]);
      g.fillRect(635, 30 + k * 20, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString(results.get(k).name(), 652, 41 + k * 20);
    }
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(img, "png", png.toFile());
  }

  private static Color[] colors() {
    return new Color[] {
      Color.BLACK,
      Color.GRAY,
      new Color(0x1f77b4),
      new Color(0xff7f0e),
      new Color(0x2ca02c),
      new Color(0xd62728),
      new Color(0x9467bd),
      new Color(0xe377c2)
    };
  }

  private static void panel(
      Graphics2D g,
      List<Result> results,
      java.util.function.Function<Result, double[]> series,
      int top,
      String title) {
    int left = 60;
    int plotW = 560;
    int plotH = 400;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Result r : results) {
      double[] c = series.apply(r);
      for (int i = 50; i < c.length; i++) {
        lo = Math.min(lo, c[i]);
        hi = Math.max(hi, c[i]);
      }
    }
    lo = Math.floor(lo * 10) / 10;
    hi = Math.ceil(hi * 10) / 10;
    g.setStroke(new BasicStroke(1f));
    for (double y = lo; y <= hi + 1e-9; y += 0.1) {
      int py = top + (int) ((hi - y) / (hi - lo) * plotH);
      g.setColor(Color.LIGHT_GRAY);
      g.drawLine(left, py, left + plotW, py);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format("%.1f", y), 20, py + 4);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, plotW, plotH);
    g.drawString(title, left + 180, top + plotH + 30);
    Color[] colors = colors();
    for (int k = 0; k < results.size(); k++) {
      double[] c = series.apply(results.get(k));
      g.setColor(colors[k % colors.length]);
      g.setStroke(new BasicStroke(2f));
      int n = c.length;
      int px0 = -1;
      int py0 = -1;
      for (int i = 50; i < n; i += 10) {
        int px = left + (int) ((double) i / n * plotW);
        int py = top + (int) ((hi - c[i]) / (hi - lo) * plotH);
        if (px0 >= 0) {
          g.drawLine(px0, py0, px, py);
        }
        px0 = px;
        py0 = py;
      }
    }
  }
}
