package io.himoe.branches.learning;

import io.himoe.branches.data.Dataset;
import io.himoe.branches.memory.Episode;
import io.himoe.branches.memory.EpisodicMemory;
import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.Prediction;
import java.util.ArrayList;
import java.util.List;

/**
 * Offline merge and garbage collection of branches. Merging distils the removed branch into the
 * kept one on both branches' remembered episodes (labels = each teacher's own prediction), which
 * works for full and low-rank branches alike, or (policy {@link MergeMethod#SVD}) sets the kept
 * branch to the truncated SVD of the two deltas. Collection removes branches the gate rarely uses
 * and that barely beat another branch on their own episodes.
 */
final class Consolidator {

  private final BranchedNetwork net;
  private final EpisodicMemory memory;
  private final ContinualLearner learner;

  Consolidator(BranchedNetwork net, EpisodicMemory memory, ContinualLearner learner) {
    this.net = net;
    this.memory = memory;
    this.learner = learner;
  }

  List<BranchEvent> run(ConsolidationPolicy policy) {
    List<BranchEvent> out = new ArrayList<>();
    merge(policy, out);
    collect(policy, out);
    return out;
  }

  private void merge(ConsolidationPolicy policy, List<BranchEvent> out) {
    while (net.branches().size() > 1) {
      List<Integer> live = net.branches();
      int ka = -1;
      int kb = -1;
      double best = Double.POSITIVE_INFINITY;
      for (int i = 0; i < live.size(); i++) {
        for (int j = i + 1; j < live.size(); j++) {
          double d = distance(live.get(i), live.get(j));
          if (d < best) {
            best = d;
            ka = live.get(i);
            kb = live.get(j);
          }
        }
      }
      boolean overBudget = live.size() > policy.maxBranches();
      boolean close = best < policy.mergeDistance();
      if (!overBudget && !close) {
        return;
      }
      String reason =
          String.format(
              "branches %d and %d differ by %.3f (total variation on their episodes)%s",
              ka,
              kb,
              best,
              overBudget
                  ? ": " + live.size() + " branches exceed the budget m_max=" + policy.maxBranches()
                  : " < merge distance " + policy.mergeDistance());
      String how;
      if (policy.method() == MergeMethod.SVD) {
        double err = net.mergeSvd(ka, kb);
        how =
            String.format(
                "; merged %d into %d by truncated SVD to rank %d (dropped %.1f%% of the mean delta)",
                kb, ka, net.config().rank(), 100 * err);
      } else {
        distil(ka, kb, policy.distillEpochs());
        how =
            String.format(
                "; merged %d into %d by distillation (%d passes over their episodes)",
                kb, ka, policy.distillEpochs());
      }
      net.remove(kb);
      memory.reassign(kb, ka);
      learner.branchRemoved(kb, ka);
      out.add(new BranchEvent.Merged(ka, kb, best, reason + how));
    }
  }

  private void collect(ConsolidationPolicy policy, List<BranchEvent> out) {
    long[] usage = net.usage();
    long total = 0;
    for (int b : net.branches()) {
      total += usage[b];
    }
    if (total == 0) {
      return;
    }
    for (int b : net.branches()) {
      List<Integer> live = net.branches();
      if (live.size() < 2) {
        return;
      }
      double share = (double) usage[b] / total;
      if (share >= policy.minUsageShare()) {
        continue;
      }
      Dataset own = episodes(memory.ofBranch(b), -1);
      double ownAcc = own.size() == 0 ? 0 : accuracy(b, own);
      int heir = -1;
      double heirAcc = Double.NEGATIVE_INFINITY;
      for (int o : live) {
        if (o != b) {
          double acc = own.size() == 0 ? 0 : accuracy(o, own);
          if (acc > heirAcc) {
            heirAcc = acc;
            heir = o;
          }
        }
      }
      double gain = ownAcc - heirAcc;
      if (gain < policy.minGain()) {
        net.remove(b);
        memory.reassign(b, heir);
        learner.branchRemoved(b, heir);
        out.add(
            new BranchEvent.Collected(
                b,
                heir,
                share,
                gain,
                String.format(
                    "branch %d chosen for %.2f%% of predictions (< %.2f%%) and gains %.3f (< %.3f) over branch %d on its %d episodes; collected",
                    b,
                    100 * share,
                    100 * policy.minUsageShare(),
                    gain,
                    policy.minGain(),
                    heir,
                    own.size())));
      }
    }
  }

  private void distil(int kept, int removed, int epochs) {
    Dataset a = episodes(memory.ofBranch(kept), kept);
    Dataset b = episodes(memory.ofBranch(removed), removed);
    Dataset both = a.concat(b);
    if (both.size() > 0) {
      learner.trainBranchOn(kept, both, epochs);
    }
  }

  /** Episodes as data; labels are the teacher branch's predictions, or the stored labels if -1. */
  private Dataset episodes(List<Episode> list, int teacher) {
    float[][] x = new float[list.size()][];
    int[] y = new int[list.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = list.get(i).embedding();
      y[i] = list.get(i).label();
    }
    if (teacher >= 0 && x.length > 0) {
      Prediction p = net.predictWith(teacher, x);
      for (int i = 0; i < x.length; i++) {
        y[i] = p.label(i);
      }
    }
    return new Dataset(x, y);
  }

  private double accuracy(int branch, Dataset d) {
    Prediction p = net.predictWith(branch, d.x());
    int ok = 0;
    for (int i = 0; i < d.size(); i++) {
      ok += p.label(i) == d.y()[i] ? 1 : 0;
    }
    return (double) ok / d.size();
  }

  private double distance(int a, int b) {
    List<Episode> probe = new ArrayList<>(memory.ofBranch(a));
    probe.addAll(memory.ofBranch(b));
    if (probe.isEmpty()) {
      return 0;
    }
    float[][] x = new float[probe.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = probe.get(i).embedding();
    }
    float[][] pa = net.predictWith(a, x).probabilities();
    float[][] pb = net.predictWith(b, x).probabilities();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double tv = 0;
      for (int c = 0; c < pa[i].length; c++) {
        tv += Math.abs(pa[i][c] - pb[i][c]);
      }
      s += tv / 2;
    }
    return s / x.length;
  }
}
