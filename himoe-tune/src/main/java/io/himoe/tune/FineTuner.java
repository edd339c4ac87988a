package io.himoe.tune;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.himoe.experts.encoders.Pooling;
import io.himoe.tune.bert.BertEncoder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Fine-tunes a {@link BertEncoder} end to end on labelled texts: the pooled, unit-length sentence
 * vector (what the serving encoder outputs) goes through a linear head to one logit per route;
 * in-scope rows train with cross-entropy, out-of-scope rows towards the uniform distribution (as
 * the gate's fitter does). AdamW with a linear warm-up and decay. The head is only a training aid:
 * the tuned encoder is written back to ONNX and a gate is fitted on its vectors as on any
 * encoder's.
 */
public final class FineTuner {

  /** Logit scale on the unit vector: cosine-like logits need a range wider than [-1, 1]. */
  static final float HEAD_SCALE = 16f;

  /**
   * A labelled text; {@code label} is -1 for out-of-scope rows.
   *
   * @param text the text (prefix applied)
   * @param label the route index, or -1
   */
  public record Example(String text, int label) {}

  /**
   * What a step reports.
   *
   * @param step steps done
   * @param steps steps in all
   * @param loss mean loss of the last steps
   * @param seconds elapsed
   */
  public record Progress(int step, int steps, double loss, double seconds) {}

  private final BertEncoder encoder;
  private final Pooling pooling;
  private final HuggingFaceTokenizer tokenizer;
  private final int classes;
  private final TuneOptions options;
  private final NDManager manager;
  private final NDArray headW;
  private final NDArray headB;
  private final Map<NDArray, NDArray[]> moments = new IdentityHashMap<>();
  // Null when every layer trains; else the states entering the first trained layer, per text.
  private final @Nullable FrozenStates frozen; // null: every layer trains
  private long steps;

  /**
   * @param manager owns the head and the optimizer state
   * @param encoder the encoder to tune
   * @param pooling how the serving encoder pools
   * @param tokenizer the serving encoder's tokenizer
   * @param classes the number of routes
   * @param options training options
   */
  public FineTuner(
      NDManager manager,
      BertEncoder encoder,
      Pooling pooling,
      HuggingFaceTokenizer tokenizer,
      int classes,
      TuneOptions options) {
    this.manager = manager;
    this.encoder = encoder;
    this.pooling = pooling;
    this.tokenizer = tokenizer;
    this.classes = classes;
    this.options = options;
    Random rnd = new Random(options.seed());
    int h = encoder.layout().hidden();
    float[] w = new float[h * classes];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() * 0.05);
    }
    this.headW = manager.create(w, new Shape(h, classes));
    this.headB = manager.zeros(new Shape(classes));
    int first = encoder.firstTrained(options.topLayers());
    this.frozen = first > 0 ? new FrozenStates(encoder, tokenizer, first) : null;
  }

  /**
   * When only the top layers train, computes once the hidden states below them for these texts
   * (training rows are added by {@link #train} itself; call this for rows {@link #predict} will
   * score, e.g. the validation set). A no-op when every layer trains.
   *
   * @param texts texts (prefix applied)
   * @param log progress
   * @param nanos a nanosecond clock
   */
  public void precompute(List<String> texts, PrintStream log, LongSupplier nanos) {
    if (frozen != null) {
      frozen.add(texts, manager, log, nanos);
    }
  }

  /**
   * How many epochs {@link #train} runs over {@code examples} rows: {@code options.epochs()}, or
   * fewer when {@code options.maxSteps()} ends it early (the epoch it stops in counts).
   */
  static int epochsRun(int examples, TuneOptions options) {
    long perEpoch = Math.max(1, (examples + options.batchSize() - 1) / options.batchSize());
    long total = Math.min(options.maxSteps(), perEpoch * options.epochs());
    return (int) Math.min(options.epochs(), (total + perEpoch - 1) / perEpoch);
  }

  /**
   * Trains for the configured epochs (or steps).
   *
   * @param examples the training rows
   * @param log where progress lines go
   * @param afterEpoch called after each epoch with its number (e.g. to score a validation set)
   * @param nanos a nanosecond clock
   * @return the mean loss of the last epoch
   */
  public double train(
      List<Example> examples,
      PrintStream log,
      java.util.function.IntConsumer afterEpoch,
      LongSupplier nanos) {
    List<NDArray> params =
        new ArrayList<>(encoder.trainable(options.trainWordEmbeddings(), options.topLayers()));
    headW.setRequiresGradient(true);
    headB.setRequiresGradient(true);
    Random rnd = new Random(options.seed() ^ 0x9E3779B97F4A7C15L);
    int perEpoch = (examples.size() + options.batchSize() - 1) / options.batchSize();
    int total = (int) Math.min(options.maxSteps(), (long) perEpoch * options.epochs());
    int warm = (int) Math.round(total * options.warmup());
    precompute(examples.stream().map(Example::text).toList(), log, nanos);
    long t0 = nanos.getAsLong();
    int step = 0;
    double epochLoss = 0;
    for (int epoch = 1; epoch <= options.epochs() && step < total; epoch++) {
      int[] order = bucketed(examples, options.batchSize(), rnd);
      double sum = 0;
      int n = 0;
      for (int from = 0; from < order.length && step < total; from += options.batchSize()) {
        List<Example> batch = new ArrayList<>();
        for (int j = from; j < Math.min(order.length, from + options.batchSize()); j++) {
          batch.add(examples.get(order[j]));
        }
        double rate = step < warm ? (step + 1.0) / warm : (double) (total - step) / (total - warm);
        sum += step(batch, params, rate);
        n++;
        step++;
        if (step % 20 == 0 || step == total) {
          double secs = (nanos.getAsLong() - t0) / 1e9;
          log.printf(
              Locale.ROOT,
              "tune: epoch %d, step %d/%d, loss %.4f, %.0f s, about %.0f s left%n",
              epoch,
              step,
              total,
              sum / n,
              secs,
              secs / step * (total - step));
        }
      }
      epochLoss = sum / Math.max(1, n);
      afterEpoch.accept(epoch);
    }
    return epochLoss;
  }

  private double step(List<Example> batch, List<NDArray> params, double rate) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDManager m = manager;
      List<String> texts = batch.stream().map(Example::text).toList();
      float[] target = new float[batch.size() * classes];
      for (int i = 0; i < batch.size(); i++) {
        int y = batch.get(i).label();
        for (int c = 0; c < classes; c++) {
          target[i * classes + c] = y < 0 ? 1f / classes : (c == y ? 1f : 0f);
        }
      }
      NDArray t = m.create(target, new Shape(batch.size(), classes));
      float loss;
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray logits = logits(texts);
        NDArray l = logits.logSoftmax(-1).mul(t).sum(new int[] {1}).neg().mean();
        gc.backward(l);
        loss = l.getFloat();
      }
      steps++;
      if (!Float.isFinite(loss)) {
        throw new IllegalStateException(
            "fine-tuning diverged (loss " + loss + "): lower --learning-rate");
      }
      for (NDArray p : params) {
        adamW(
            p,
            options.learningRate() * rate,
            p.getShape().dimension() > 1 ? options.weightDecay() : 0);
      }
      adamW(headW, options.headLearningRate() * rate, 0);
      adamW(headB, options.headLearningRate() * rate, 0);
      return loss;
    }
  }

  /** Optimizer state lives as long as the tuner: kept out of the step's scope. */
  private NDArray[] zeroMoments(NDArray p) {
    NDArray a = manager.zeros(p.getShape());
    NDArray b = manager.zeros(p.getShape());
    NDScope.unregister(a, b);
    return new NDArray[] {a, b};
  }

  /** The head's logits for texts, from their frozen states when every text has them. */
  private NDArray logits(List<String> texts) {
    NDArray hidden;
    NDArray mask;
    if (frozen != null && frozen.hasAll(texts)) {
      NDArray[] xm = frozen.batch(texts, manager);
      mask = xm[1];
      hidden = encoder.layers(xm[0], mask, frozen.upTo(), encoder.layout().layers());
    } else {
      TokenBatch tb = TokenBatch.of(tokenizer, texts);
      mask = TokenBatch.array(manager, tb.mask());
      hidden =
          encoder.forward(
              TokenBatch.array(manager, tb.ids()), mask, TokenBatch.array(manager, tb.types()));
    }
    NDArray u = BertEncoder.pool(hidden, mask, pooling);
    return u.matMul(headW).mul(HEAD_SCALE).add(headB);
  }

  /** AdamW (β 0.9, 0.999, ε 1e-8) on one parameter, in place; zeroes its gradient. */
  private void adamW(NDArray p, double lr, double decay) {
    NDArray g = p.getGradient();
    NDArray[] mv = moments.computeIfAbsent(p, this::zeroMoments);
    NDArray m1 = mv[0];
    NDArray m2 = mv[1];
    long t = steps;
    m1.muli(0.9f).addi(g.mul(0.1f));
    m2.muli(0.999f).addi(g.square().mul(0.001f));
    double c1 = 1 - Math.pow(0.9, t);
    double c2 = 1 - Math.pow(0.999, t);
    NDArray step = m1.div(c1).div(m2.div(c2).sqrt().add(1e-8f)).mul(lr);
    NDArray live = p.stopGradient();
    if (decay > 0) {
      live.muli((float) (1 - lr * decay));
    }
    live.subi(step);
    g.subi(g);
  }

  /**
   * @param texts texts (prefix applied)
   * @return each text's most probable route under the training head
   */
  public int[] predict(List<String> texts) {
    int[] out = new int[texts.size()];
    for (int from = 0; from < texts.size(); from += 64) {
      List<String> part = texts.subList(from, Math.min(texts.size(), from + 64));
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray logits = logits(part);
        long[] arg = logits.argMax(1).toLongArray();
        for (int i = 0; i < arg.length; i++) {
          out[from + i] = (int) arg[i];
        }
      }
    }
    return out;
  }

  /**
   * @param texts texts (prefix applied)
   * @return their unit sentence vectors, as the serving encoder would give them
   */
  public float[][] vectors(List<String> texts) {
    float[][] out = new float[texts.size()][];
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      TokenBatch tb = TokenBatch.of(tokenizer, texts);
      NDArray mask = TokenBatch.array(manager, tb.mask());
      NDArray v =
          BertEncoder.pool(
              encoder.forward(
                  TokenBatch.array(manager, tb.ids()), mask, TokenBatch.array(manager, tb.types())),
              mask,
              pooling);
      int h = encoder.layout().hidden();
      float[] flat = v.toFloatArray();
      for (int i = 0; i < out.length; i++) {
        out[i] = java.util.Arrays.copyOfRange(flat, i * h, (i + 1) * h);
      }
    }
    return out;
  }

  /**
   * A shuffled order in which each run of {@code batch} texts has similar lengths (texts are sorted
   * by length within windows of 50 batches, then the batches are shuffled), so that padding wastes
   * little compute; every text still comes once per epoch.
   */
  static int[] bucketed(List<Example> examples, int batch, Random rnd) {
    int[] order = shuffled(examples.size(), rnd);
    int window = batch * 50;
    for (int from = 0; from < order.length; from += window) {
      int to = Math.min(order.length, from + window);
      Integer[] part = new Integer[to - from];
      for (int i = from; i < to; i++) {
        part[i - from] = order[i];
      }
      java.util.Arrays.sort(
          part, java.util.Comparator.comparingInt(i -> examples.get(i).text().length()));
      for (int i = from; i < to; i++) {
        order[i] = part[i - from];
      }
    }
    int batches = (order.length + batch - 1) / batch;
    int[] batchOrder = shuffled(batches, rnd);
    int[] out = new int[order.length];
    int k = 0;
    for (int b : batchOrder) {
      for (int i = b * batch; i < Math.min(order.length, (b + 1) * batch); i++) {
        out[k++] = order[i];
      }
    }
    return out;
  }

  private static int[] shuffled(int n, Random rnd) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int x = a[i];
      a[i] = a[j];
      a[j] = x;
    }
    return a;
  }

  static Map<String, Integer> index(List<String> labels) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      m.put(labels.get(i), i);
    }
    return m;
  }
}
