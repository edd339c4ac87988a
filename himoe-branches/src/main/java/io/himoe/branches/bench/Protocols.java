package io.himoe.branches.bench;

import io.himoe.branches.data.Clinc;
import io.himoe.branches.data.Dataset;
import io.himoe.branches.data.HashingFeatures;
import io.himoe.branches.data.Idx;
import io.himoe.branches.data.SyntheticTasks;
import io.himoe.shared.VectorFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builders of the benchmark protocols (issue 7, "Protocols"). */
public final class Protocols {

  private Protocols() {}

  /**
   * Split MNIST: 5 tasks of 2 digits (0/1, 2/3, ...). Domain scenario: label = which digit of the
   * pair (2 outputs); task and class scenarios: the digit (10 outputs; task masks to the pair).
   *
   * @param dir directory of the MNIST IDX files
   * @param scenario the scenario
   * @param limit at most this many training examples read (60000 for all)
   * @return the protocol
   * @throws IOException if MNIST cannot be read
   */
  public static Protocol splitMnist(Path dir, Scenario scenario, int limit) throws IOException {
    return splitMnist(dir, scenario, limit, false);
  }

  /**
   * Split MNIST, optionally on a validation split: with {@code validation} the last sixth of the
   * training images (10 000 of 60 000) stand in for the test set and are not trained on, so that
   * settings are chosen without looking at the test set.
   *
   * @param dir directory of the MNIST IDX files
   * @param scenario the scenario
   * @param limit at most this many training examples read (60000 for all)
   * @param validation hold out the last sixth of the training images as the evaluation set
   * @return the protocol
   * @throws IOException if MNIST cannot be read
   */
  public static Protocol splitMnist(Path dir, Scenario scenario, int limit, boolean validation)
      throws IOException {
    Dataset train = Idx.mnist(dir, true, limit);
    Dataset test;
    if (validation) {
      int cut = train.size() - train.size() / 6;
      test = train.slice(cut, train.size());
      train = train.slice(0, cut);
    } else {
      test = Idx.mnist(dir, false, Math.max(1, limit / 6));
    }
    List<ClTask> tasks = new ArrayList<>();
    for (int t = 0; t < 5; t++) {
      int a = 2 * t;
      int b = 2 * t + 1;
      tasks.add(
          new ClTask(
              "digits " + a + "/" + b,
              relabel(only(train, a, b), scenario, a),
              relabel(only(test, a, b), scenario, a),
              scenario == Scenario.DOMAIN ? new int[] {0, 1} : new int[] {a, b}));
    }
    return new Protocol("split-mnist", scenario, 784, scenario == Scenario.DOMAIN ? 2 : 10, tasks);
  }

  /**
   * Permuted MNIST: each task is MNIST seen through its own fixed pixel permutation (task 0 is the
   * identity); 10 outputs. Task scenario masks nothing (all tasks use the 10 digits) but gives the
   * task id; class scenario is not defined for it.
   *
   * @param dir directory of the MNIST IDX files
   * @param scenario TASK or DOMAIN
   * @param count number of tasks
   * @param limit training examples per task
   * @return the protocol
   * @throws IOException if MNIST cannot be read
   */
  public static Protocol permutedMnist(Path dir, Scenario scenario, int count, int limit)
      throws IOException {
    if (scenario == Scenario.CLASS) {
      throw new IllegalArgumentException(
          "permuted-mnist has no class-incremental scenario: use --scenario task or domain");
    }
    Dataset train = Idx.mnist(dir, true, limit);
    Dataset test = Idx.mnist(dir, false, Math.max(1, Math.min(10000, limit / 6)));
    List<ClTask> tasks = new ArrayList<>();
    int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    for (int t = 0; t < count; t++) {
      tasks.add(
          new ClTask(
              "permutation " + t,
              SyntheticTasks.permuted(train, t == 0 ? 0 : 1000 + t),
              SyntheticTasks.permuted(test, t == 0 ? 0 : 1000 + t),
              all));
    }
    return new Protocol("permuted-mnist", scenario, 784, 10, tasks);
  }

  /**
   * CLINC150 split by domain: 10 tasks of 15 intents, text encoded by {@link HashingFeatures}.
   * Domain scenario: label = the intent's index within its domain (15 outputs); task and class
   * scenarios: a global intent index (150 outputs; task masks to the domain's 15).
   *
   * @param dir directory holding {@code train.jsonl} and {@code val.jsonl}
   * @param scenario the scenario
   * @param dim hashing dimensions
   * @param validation evaluate on every sixth training utterance (held out) instead of {@code
   *     val.jsonl}, which is then not read
   * @return the protocol
   * @throws IOException if the files cannot be read
   */
  public static Protocol clincDomains(Path dir, Scenario scenario, int dim, boolean validation)
      throws IOException {
    List<Clinc.Utterance> train = Clinc.read(dir.resolve("train.jsonl"));
    HashingFeatures enc = new HashingFeatures(dim);
    List<float[]> trainX = hashed(train, enc);
    if (validation) {
      return heldOut(scenario, train, trainX, dim);
    }
    List<Clinc.Utterance> test = Clinc.read(dir.resolve("val.jsonl"));
    return clincDomains(scenario, train, trainX, test, hashed(test, enc), dim);
  }

  /** Every sixth utterance of the training file becomes the evaluation set. */
  private static Protocol heldOut(
      Scenario scenario, List<Clinc.Utterance> train, List<float[]> trainX, int dim) {
    List<Clinc.Utterance> fit = new ArrayList<>();
    List<float[]> fitX = new ArrayList<>();
    List<Clinc.Utterance> held = new ArrayList<>();
    List<float[]> heldX = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      boolean out = i % 6 == 5;
      (out ? held : fit).add(train.get(i));
      (out ? heldX : fitX).add(trainX.get(i));
    }
    return clincDomains(scenario, fit, fitX, held, heldX, dim);
  }

  /**
   * CLINC150 split by domain on sentence embeddings computed beforehand by {@code himoe eval embed}
   * (for instance MiniLM): {@code features/train.vec} and {@code features/val.vec} hold one vector
   * per utterance of {@code train.jsonl} and {@code val.jsonl}, in file order.
   *
   * @param dir directory holding {@code train.jsonl} and {@code val.jsonl}
   * @param scenario the scenario
   * @param features directory holding {@code train.vec} and {@code val.vec}
   * @param validation evaluate on every sixth training utterance (held out) instead of {@code
   *     val.jsonl}, which is then not read (nor {@code val.vec})
   * @return the protocol
   * @throws IOException if a file cannot be read, or a vector file does not match its utterances
   */
  public static Protocol clincDomains(
      Path dir, Scenario scenario, Path features, boolean validation) throws IOException {
    List<Clinc.Utterance> train = Clinc.read(dir.resolve("train.jsonl"));
    VectorFile trainX = matching(features.resolve("train.vec"), train, "train.jsonl");
    if (validation) {
      return heldOut(scenario, train, scaled(trainX.rows()), trainX.dimension());
    }
    List<Clinc.Utterance> test = Clinc.read(dir.resolve("val.jsonl"));
    VectorFile testX = matching(features.resolve("val.vec"), test, "val.jsonl");
    if (trainX.dimension() != testX.dimension() || !trainX.encoder().equals(testX.encoder())) {
      throw new IOException(
          features
              + ": train.vec ("
              + trainX.encoder()
              + ", "
              + trainX.dimension()
              + " dims) and val.vec ("
              + testX.encoder()
              + ", "
              + testX.dimension()
              + " dims) come from different encoders");
    }
    return clincDomains(
        scenario, train, scaled(trainX.rows()), test, scaled(testX.rows()), trainX.dimension());
  }

  private static VectorFile matching(Path file, List<Clinc.Utterance> rows, String source)
      throws IOException {
    VectorFile f = VectorFile.read(file);
    if (f.rows().size() != rows.size() || f.dimension() == 0) {
      throw new IOException(
          file
              + " has "
              + f.rows().size()
              + " vectors but "
              + source
              + " has "
              + rows.size()
              + " utterances: make it again with 'himoe eval embed --data "
              + source
              + "'");
    }
    return f;
  }

  private static List<float[]> hashed(List<Clinc.Utterance> rows, HashingFeatures enc) {
    List<float[]> out = new ArrayList<>(rows.size());
    for (Clinc.Utterance u : rows) {
      out.add(enc.encode(u.text()));
    }
    return scaled(out);
  }

  /**
   * Each vector at norm 10: unit vectors are ~10x smaller than an MNIST image; scaled alike, the
   * same learning rate suits every protocol.
   */
  private static List<float[]> scaled(List<float[]> rows) {
    List<float[]> out = new ArrayList<>(rows.size());
    for (float[] r : rows) {
      double norm = 0;
      for (float v : r) {
        norm += v * v;
      }
      float k = norm == 0 ? 0f : (float) (10 / Math.sqrt(norm));
      float[] v = new float[r.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = r[i] * k;
      }
      out.add(v);
    }
    return out;
  }

  private static Protocol clincDomains(
      Scenario scenario,
      List<Clinc.Utterance> train,
      List<float[]> trainX,
      List<Clinc.Utterance> test,
      List<float[]> testX,
      int dim) {
    Map<String, List<String>> intents = new LinkedHashMap<>();
    for (Clinc.Utterance u : train) {
      if (u.domain().equals("oos")) {
        continue; // out-of-scope queries are not a domain: the sequence is the 10 real ones
      }
      List<String> l = intents.computeIfAbsent(u.domain(), d -> new ArrayList<>());
      if (!l.contains(u.intent())) {
        l.add(u.intent());
      }
    }
    List<String> global = new ArrayList<>();
    intents.values().forEach(global::addAll);
    List<ClTask> tasks = new ArrayList<>();
    for (Map.Entry<String, List<String>> d : intents.entrySet()) {
      List<String> local = d.getValue();
      int[] classes = new int[local.size()];
      for (int i = 0; i < classes.length; i++) {
        classes[i] = scenario == Scenario.DOMAIN ? i : global.indexOf(local.get(i));
      }
      tasks.add(
          new ClTask(
              d.getKey(),
              select(train, trainX, d.getKey(), local, global, scenario),
              select(test, testX, d.getKey(), local, global, scenario),
              classes));
    }
    int outputs =
        scenario == Scenario.DOMAIN
            ? intents.values().stream().mapToInt(List::size).max().orElse(1)
            : global.size();
    return new Protocol("clinc-domains", scenario, dim, outputs, tasks);
  }

  /**
   * A small generated protocol for CI and smoke runs: 3 tasks of 2 classes of Gaussian blobs, each
   * seen through its own feature permutation.
   *
   * @param scenario the scenario
   * @param seed seed
   * @return the protocol
   */
  public static Protocol synthetic(Scenario scenario, long seed) {
    List<ClTask> tasks = new ArrayList<>();
    Dataset base = SyntheticTasks.blobs(6, 80, 20, 6, seed).shuffled(new Random(seed));
    for (int t = 0; t < 3; t++) {
      int a = 2 * t;
      int b = 2 * t + 1;
      Dataset d = SyntheticTasks.permuted(only(base, a, b), seed + t);
      Dataset r = relabel(d, scenario, a);
      int cut = r.size() * 3 / 4;
      tasks.add(
          new ClTask(
              "classes " + a + "/" + b,
              r.slice(0, cut),
              r.slice(cut, r.size()),
              scenario == Scenario.DOMAIN ? new int[] {0, 1} : new int[] {a, b}));
    }
    return new Protocol("synthetic", scenario, 20, scenario == Scenario.DOMAIN ? 2 : 6, tasks);
  }

  private static Dataset only(Dataset d, int a, int b) {
    return d.select(
        java.util.stream.IntStream.range(0, d.size())
            .filter(i -> d.y()[i] == a || d.y()[i] == b)
            .toArray());
  }

  private static Dataset relabel(Dataset d, Scenario s, int first) {
    return s == Scenario.DOMAIN ? d.relabel(y -> y - first) : d;
  }

  private static Dataset select(
      List<Clinc.Utterance> all,
      List<float[]> features,
      String domain,
      List<String> local,
      List<String> global,
      Scenario s) {
    List<float[]> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Clinc.Utterance u = all.get(i);
      if (u.domain().equals(domain) && local.contains(u.intent())) {
        x.add(features.get(i));
        y.add(s == Scenario.DOMAIN ? local.indexOf(u.intent()) : global.indexOf(u.intent()));
      }
    }
    return new Dataset(x.toArray(float[][]::new), y.stream().mapToInt(Integer::intValue).toArray());
  }
}
