package io.himoe.learning.router;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.ExpertRegistry;
import io.himoe.router.GateScores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fixed order of a learning router's experts (the gate's outputs, the bandit's arms), mapped to
 * ids. Experts named here but not registered right now are excluded (-infinity).
 */
record ExpertIndex(List<String> names, List<ExpertId> ids, Map<ExpertId, Integer> byId) {

  static ExpertIndex of(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a learning router needs at least one expert");
    }
    List<ExpertId> ids = new ArrayList<>(names.size());
    Map<ExpertId, Integer> byId = new HashMap<>();
    for (String n : names) {
      ExpertId id = ExpertId.of(n);
      if (byId.putIfAbsent(id, ids.size()) != null) {
        throw new IllegalArgumentException("expert '" + n + "' is listed twice");
      }
      ids.add(id);
    }
    return new ExpertIndex(List.copyOf(names), List.copyOf(ids), Map.copyOf(byId));
  }

  static ExpertIndex ofRegistry(ExpertRegistry experts) {
    return of(experts.list().stream().map(r -> r.name()).toList());
  }

  /**
   * @param more names to append (not yet in this index)
   * @return this index followed by them
   */
  ExpertIndex plus(List<String> more) {
    List<String> all = new ArrayList<>(names);
    all.addAll(more);
    return of(all);
  }

  /**
   * @param keep the positions to keep, in their new order
   * @return the index of those positions only
   */
  ExpertIndex select(int[] keep) {
    List<String> out = new ArrayList<>(keep.length);
    for (int k : keep) {
      out.add(names.get(k));
    }
    return of(out);
  }

  /**
   * @param name a name
   * @return its position, or -1
   */
  int position(String name) {
    return names.indexOf(name);
  }

  int size() {
    return names.size();
  }

  Optional<Integer> indexOf(ExpertId id) {
    return Optional.ofNullable(byId.get(id));
  }

  int[] indicesOf(List<ExpertId> chosen) {
    int[] out = new int[chosen.size()];
    int n = 0;
    for (ExpertId id : chosen) {
      Integer i = byId.get(id);
      if (i != null) {
        out[n++] = i;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /**
   * @param called the experts a decision called
   * @return their indices, those not in this index left out (once per routed request: a loop, not a
   *     stream, and no list of ids in between)
   */
  int[] indicesOfCalled(List<ExpertRef> called) {
    int[] out = new int[called.size()];
    int n = 0;
    for (ExpertRef ref : called) {
      Integer i = byId.get(ref.id());
      if (i != null) {
        out[n++] = i;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Scores in this order; experts not registered in {@code experts} get -infinity. */
  GateScores scores(double[] values, ExpertRegistry experts) {
    return GateScores.of(ids, registered(values, experts));
  }

  /**
   * Scores with DeepSeek-V3 selection biases (picked by value + bias, weighted by value); experts
   * not registered get -infinity.
   */
  GateScores scores(double[] values, double[] selectionBiases, ExpertRegistry experts) {
    return GateScores.of(ids, registered(values, experts), selectionBiases);
  }

  private double[] registered(double[] values, ExpertRegistry experts) {
    double[] v = values.clone();
    for (int i = 0; i < v.length; i++) {
      if (experts.byId(ids.get(i)).isEmpty()) {
        v[i] = Double.NEGATIVE_INFINITY;
      }
    }
    return v;
  }
}
