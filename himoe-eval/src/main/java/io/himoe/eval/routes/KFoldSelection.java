package io.himoe.eval.routes;

import io.himoe.eval.data.Labelled;
import io.himoe.experts.encoders.ConcatEncoder;
import io.himoe.learning.fit.FittedRoutes;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.fit.RouteFitter;
import io.himoe.learning.fit.RouteGuess;
import io.himoe.shared.Encoder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Chooses among {@link Candidate} settings without the test rows: stratified k-fold
 * cross-validation on the training rows. For each candidate and fold, a gate is fitted on the other
 * folds, its threshold is calibrated on the validation rows by the candidate's {@link
 * ThresholdRule}, and it routes the held-out fold; every training row is held out once, so a
 * candidate's score is its in-scope accuracy over all in-scope training rows, with the out-of-scope
 * training rows (held out the same way) giving its out-of-scope recall. The choice is the highest
 * score among the candidates whose out-of-scope recall reaches a minimum and whose encoder was not
 * tuned on these rows. All candidates share the same folds, so their scores are paired; candidates
 * that differ only in their threshold rule share each fold's gate (one fit per fold).
 */
public final class KFoldSelection {

  private KFoldSelection() {}

  /**
   * What to run.
   *
   * @param folds the number of folds, at least 2
   * @param seed the seed of the fold assignment
   * @param minOosRecall the out-of-scope recall a candidate must reach to be chosen, in [0, 1]
   * @param threads folds fitted at once, at least 1
   * @param vectorCache a directory where each encoder part's vectors of the training and validation
   *     texts are kept between runs, if any (else they are encoded once per candidate, in memory)
   */
  public record Options(
      int folds, long seed, double minOosRecall, int threads, Optional<Path> vectorCache) {

    /** Validates, naming the flags. */
    public Options {
      if (folds < 2) {
        throw new IllegalArgumentException("--select kfold:K needs K >= 2, got " + folds);
      }
      if (!(minOosRecall >= 0 && minOosRecall <= 1)) {
        throw new IllegalArgumentException(
            "--min-oos-recall must be in [0, 1], got " + minOosRecall);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
      }
    }
  }

  /**
   * The outcome.
   *
   * @param scores one per candidate, in the candidates' order
   * @param chosen the index of the chosen candidate in {@code scores}
   * @param minimumMet whether the chosen candidate reaches the out-of-scope recall minimum (when no
   *     untuned candidate does, the most accurate untuned one is chosen and this is false)
   */
  public record Selection(List<CandidateScore> scores, int chosen, boolean minimumMet) {

    /** Copies. */
    public Selection {
      scores = List.copyOf(scores);
    }

    /**
     * @return the chosen candidate
     */
    public Candidate candidate() {
      return scores.get(chosen).candidate();
    }
  }

  /**
   * Cross-validates every candidate and chooses one.
   *
   * @param train the training rows
   * @param val the validation rows (threshold calibration)
   * @param oosLabel the out-of-scope label, if any
   * @param candidates the settings, at least one
   * @param options folds, seed, minimum recall, threads, vector cache
   * @param encoders opens an encoder by name
   * @param progress where progress goes
   * @param ticker a nanosecond clock
   * @return the scores and the choice
   * @throws IllegalArgumentException if there is no candidate, every candidate is tuned, or a fold
   *     would hold no row
   */
  public static Selection run(
      List<Labelled> train,
      List<Labelled> val,
      Optional<String> oosLabel,
      List<Candidate> candidates,
      Options options,
      Function<String, Encoder> encoders,
      PrintStream progress,
      LongSupplier ticker) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("--candidates: the file names no candidate");
    }
    if (candidates.stream().allMatch(Candidate::tuned)) {
      throw new IllegalArgumentException(
          "--candidates: every candidate's encoder was tuned (a tune.json beside its model), so"
              + " none can be chosen by cross-validation on the rows it was tuned on");
    }
    if (train.size() < options.folds()) {
      throw new IllegalArgumentException(
          "--select kfold:" + options.folds() + ": only " + train.size() + " training rows");
    }
    int[] fold = folds(train, options.folds(), options.seed());
    List<String> texts = Stream.concat(train.stream(), val.stream()).map(Labelled::text).toList();
    // Candidates that differ only in their threshold rule share each fold's gate.
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int c = 0; c < candidates.size(); c++) {
      Candidate cand = candidates.get(c);
      groups.computeIfAbsent(cand.encoder() + " " + cand.fit(), g -> new ArrayList<>()).add(c);
    }
    CandidateScore[] scores = new CandidateScore[candidates.size()];
    for (List<Integer> group : groups.values()) {
      List<Candidate> members = group.stream().map(candidates::get).toList();
      for (int i = 0; i < group.size(); i++) {
        progress.printf(
            Locale.ROOT,
            "select: candidate %d/%d%s: %s%n",
            group.get(i) + 1,
            candidates.size(),
            members.get(i).tuned() ? " (tuned encoder: scored, not chosen)" : "",
            members.get(i).line());
      }
      long t0 = ticker.getAsLong();
      Encoder fitEncoder =
          vectors(encoders.apply(members.getFirst().encoder()), texts, options, progress);
      int[][] sum = new int[group.size()][8];
      try (ExecutorService pool = Executors.newFixedThreadPool(options.threads())) {
        List<Future<int[][]>> futures = new ArrayList<>();
        for (int f = 0; f < options.folds(); f++) {
          int k = f;
          futures.add(
              pool.submit(
                  () -> {
                    int[][] counts =
                        fold(
                            train,
                            val,
                            oosLabel,
                            fold,
                            k,
                            members,
                            fitEncoder,
                            progress,
                            group.getFirst() + 1);
                    for (int i = 0; i < counts.length; i++) {
                      progress.printf(
                          Locale.ROOT,
                          "select: candidate %d fold %d/%d: held-out in-scope %d/%d,"
                              + " out-of-scope rejected %d/%d; validation in-scope %d/%d,"
                              + " out-of-scope %d/%d%n",
                          group.get(i) + 1,
                          k + 1,
                          options.folds(),
                          counts[i][0],
                          counts[i][1],
                          counts[i][2],
                          counts[i][3],
                          counts[i][4],
                          counts[i][5],
                          counts[i][6],
                          counts[i][7]);
                    }
                    return counts;
                  }));
        }
        for (Future<int[][]> fu : futures) {
          int[][] counts = get(fu);
          for (int i = 0; i < counts.length; i++) {
            for (int j = 0; j < 8; j++) {
              sum[i][j] += counts[i][j];
            }
          }
        }
      }
      double seconds = (ticker.getAsLong() - t0) / 1e9;
      for (int i = 0; i < group.size(); i++) {
        int[] n = sum[i];
        CandidateScore sc =
            new CandidateScore(
                members.get(i), n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], seconds);
        progress.printf(
            Locale.ROOT,
            "select: candidate %d: cross-validated in-scope accuracy %.4f (%d/%d), out-of-scope"
                + " recall %s; validation %s / %s; %.1f s%n",
            group.get(i) + 1,
            sc.inScopeAccuracy(),
            sc.inScopeRight(),
            sc.inScopeRows(),
            format(sc.oosRecall()),
            format(sc.valInScopeAccuracy()),
            format(sc.valOosRecall()),
            sc.seconds());
        scores[group.get(i)] = sc;
      }
    }
    Selection chosen = choose(List.of(scores), options.minOosRecall());
    progress.printf(
        Locale.ROOT,
        "select: chose candidate %d%s: %s%n",
        chosen.chosen() + 1,
        chosen.minimumMet() ? "" : " (no untuned candidate reaches --min-oos-recall)",
        chosen.candidate().line());
    return chosen;
  }

  /**
   * The choice among scored candidates: the highest cross-validated in-scope accuracy among the
   * untuned ones reaching the minimum recall (ties: the first listed); when none reaches it, the
   * most accurate untuned one, flagged.
   *
   * @param scores the scores, at least one untuned
   * @param minOosRecall the minimum out-of-scope recall
   * @return the selection
   */
  static Selection choose(List<CandidateScore> scores, double minOosRecall) {
    int best = -1;
    int fallback = -1;
    for (int i = 0; i < scores.size(); i++) {
      CandidateScore s = scores.get(i);
      if (s.candidate().tuned()) {
        continue;
      }
      if (fallback < 0 || s.inScopeAccuracy() > scores.get(fallback).inScopeAccuracy()) {
        fallback = i;
      }
      boolean reaches = s.constrainedRecall().orElse(0) >= minOosRecall;
      if (reaches && (best < 0 || s.inScopeAccuracy() > scores.get(best).inScopeAccuracy())) {
        best = i;
      }
    }
    if (fallback < 0) {
      throw new IllegalArgumentException("no untuned candidate to choose from");
    }
    return best >= 0 ? new Selection(scores, best, true) : new Selection(scores, fallback, false);
  }

  /**
   * Stratified fold assignment: each label's rows (the out-of-scope label's too) are shuffled with
   * the seed and dealt to the folds in turn, continuing from where the previous label stopped.
   *
   * @param rows the rows
   * @param k the number of folds
   * @param seed the shuffle's seed
   * @return each row's fold, in [0, k)
   */
  static int[] folds(List<Labelled> rows, int k, long seed) {
    Map<String, List<Integer>> byLabel = new TreeMap<>();
    for (int i = 0; i < rows.size(); i++) {
      byLabel.computeIfAbsent(rows.get(i).label(), l -> new ArrayList<>()).add(i);
    }
    Random rnd = new Random(seed);
    int[] fold = new int[rows.size()];
    int next = 0;
    for (List<Integer> group : byLabel.values()) {
      Collections.shuffle(group, rnd);
      for (int i : group) {
        fold[i] = next;
        next = (next + 1) % k;
      }
    }
    return fold;
  }

  /**
   * Fits on every fold but {@code k} and counts, per candidate (all with the same encoder and fit,
   * each with its threshold rule): held-out in-scope right and rows, held-out out-of-scope rejected
   * and rows, then the same four on the validation rows.
   */
  private static int[][] fold(
      List<Labelled> train,
      List<Labelled> val,
      Optional<String> oosLabel,
      int[] fold,
      int k,
      List<Candidate> members,
      Encoder encoder,
      PrintStream progress,
      int number) {
    List<LabelledText> fitRows = new ArrayList<>();
    List<Labelled> heldOut = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      Labelled row = train.get(i);
      if (fold[i] == k) {
        heldOut.add(row);
      } else {
        fitRows.add(new LabelledText(row.text(), row.label()));
      }
    }
    List<LabelledText> valRows =
        val.stream().map(r -> new LabelledText(r.text(), r.label())).toList();
    FittedRoutes fitted =
        RouteFitter.of(encoder, members.getFirst().fit())
            .fit(
                fitRows,
                valRows,
                oosLabel,
                (e, n, loss) -> {
                  if (e % 5 == 0 || e == n) {
                    progress.printf(
                        Locale.ROOT,
                        "select: candidate %d fold %d: epoch %d/%d, loss %.4f%n",
                        number,
                        k + 1,
                        e,
                        n,
                        loss);
                  }
                });
    int[][] counts = new int[members.size()][8];
    for (int i = 0; i < members.size(); i++) {
      FittedRoutes routes =
          val.isEmpty() ? fitted : members.get(i).rule().apply(fitted, val, oosLabel);
      count(routes, heldOut, oosLabel, counts[i], 0);
      count(routes, val, oosLabel, counts[i], 4);
    }
    return counts;
  }

  private static void count(
      FittedRoutes routes, List<Labelled> rows, Optional<String> oosLabel, int[] c, int at) {
    for (Labelled row : rows) {
      RouteGuess g = routes.classify(row.text());
      if (oosLabel.isPresent() && oosLabel.get().equals(row.label())) {
        c[at + 3]++;
        c[at + 2] += g.rejected() ? 1 : 0;
      } else {
        c[at + 1]++;
        c[at] += g.label().filter(row.label()::equals).isPresent() ? 1 : 0;
      }
    }
  }

  /** Every training and validation text encoded once (kept in the cache directory if any). */
  private static Encoder vectors(
      Encoder encoder, List<String> texts, Options options, PrintStream progress) {
    List<Encoder> parts = encoder instanceof ConcatEncoder c ? c.parts() : List.of(encoder);
    List<Encoder> stored = new ArrayList<>();
    for (Encoder part : parts) {
      stored.add(
          options.vectorCache().isPresent()
              ? StoredVectors.of(part, texts, options.vectorCache().get(), progress)
              : StoredVectors.inMemory(part, texts, progress));
    }
    return stored.size() == 1 ? stored.getFirst() : ConcatEncoder.of(stored);
  }

  private static int[][] get(Future<int[][]> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while cross-validating", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static String format(OptionalDouble d) {
    return d.isPresent() ? String.format(Locale.ROOT, "%.4f", d.getAsDouble()) : "-";
  }
}
