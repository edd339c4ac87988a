package io.himoe.branches.model;

import java.util.List;
import java.util.Objects;

/**
 * Shape of a branched network: an MLP {@code inputs -> hidden... -> classes} whose branched layers
 * (per {@link Granularity}) hold one weight version per branch, plus a contextual gate {@code
 * inputs -> gateHidden -> one logit per branch slot}.
 *
 * @param inputs input features
 * @param hidden hidden layer widths, may be empty (a linear model)
 * @param classes output classes
 * @param granularity which layers are branched
 * @param kind full copies or low-rank deltas
 * @param rank rank of low-rank deltas (ignored for {@link BranchKind#FULL})
 * @param maxBranches branch slots (the hard cap on live branches)
 * @param gateHidden width of the gate's context layer
 * @param seed seed of every random initialisation
 */
public record NetworkConfig(
    int inputs,
    List<Integer> hidden,
    int classes,
    Granularity granularity,
    BranchKind kind,
    int rank,
    int maxBranches,
    int gateHidden,
    long seed) {

  /** Validates. */
  public NetworkConfig {
    hidden = List.copyOf(hidden);
    Objects.requireNonNull(granularity, "granularity");
    Objects.requireNonNull(kind, "kind");
    positive("inputs", inputs);
    positive("classes", classes);
    positive("rank", rank);
    positive("maxBranches", maxBranches);
    positive("gateHidden", gateHidden);
    for (int i = 0; i < hidden.size(); i++) {
      positive("hidden[" + i + "]", hidden.get(i));
    }
  }

  /**
   * Defaults: one hidden layer of 100, whole-block full branches, 16 slots, gate width 64, seed 7.
   *
   * @param inputs input features
   * @param classes output classes
   * @return the config
   */
  public static NetworkConfig of(int inputs, int classes) {
    return new NetworkConfig(
        inputs, List.of(100), classes, Granularity.BLOCK, BranchKind.FULL, 8, 16, 64, 7);
  }

  /**
   * @param widths hidden layer widths
   * @return a copy with those hidden layers
   */
  public NetworkConfig withHidden(Integer... widths) {
    return new NetworkConfig(
        inputs, List.of(widths), classes, granularity, kind, rank, maxBranches, gateHidden, seed);
  }

  /**
   * @param g granularity
   * @param k branch kind
   * @param r rank of low-rank deltas
   * @return a copy with that branch layout
   */
  public NetworkConfig withBranches(Granularity g, BranchKind k, int r) {
    return new NetworkConfig(inputs, hidden, classes, g, k, r, maxBranches, gateHidden, seed);
  }

  /**
   * @param slots branch slots
   * @return a copy with that many slots
   */
  public NetworkConfig withMaxBranches(int slots) {
    return new NetworkConfig(
        inputs, hidden, classes, granularity, kind, rank, slots, gateHidden, seed);
  }

  /**
   * @param s seed
   * @return a copy with that seed
   */
  public NetworkConfig withSeed(long s) {
    return new NetworkConfig(
        inputs, hidden, classes, granularity, kind, rank, maxBranches, gateHidden, s);
  }

  /**
   * @return the number of affine layers (hidden + output)
   */
  public int layers() {
    return hidden.size() + 1;
  }

  /**
   * @param layer layer index
   * @return its input width
   */
  public int fanIn(int layer) {
    return layer == 0 ? inputs : hidden.get(layer - 1);
  }

  /**
   * @param layer layer index
   * @return its output width
   */
  public int fanOut(int layer) {
    return layer == hidden.size() ? classes : hidden.get(layer);
  }

  private static void positive(String field, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, got " + v);
    }
  }
}
