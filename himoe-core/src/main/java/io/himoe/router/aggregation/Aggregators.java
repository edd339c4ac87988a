package io.himoe.router.aggregation;

/** The built-in aggregation strategies (seed 001 §2.5, seed 002 §3). */
public final class Aggregators {

  private Aggregators() {}

  /**
   * @return keeps the answer of the highest-weighted answering expert
   */
  public static Aggregator bestScore() {
    return new BestScoreAggregator();
  }

  /**
   * @return weighted mean for embeddings and numbers; otherwise the highest-weighted answer, the
   *     others kept as alternatives
   */
  public static Aggregator gateWeighted() {
    return new GateWeightedAggregator();
  }

  /**
   * @param equivalence when two answers count as the same vote
   * @return the answer most experts agree on (ties broken by total weight)
   */
  public static Aggregator majorityVote(ValueEquivalence equivalence) {
    return new MajorityVoteAggregator(equivalence);
  }

  /**
   * @param threshold confidence in [0, 1] that stops the cascade
   * @return calls experts one at a time in gate order until one is confident enough
   */
  public static Aggregator cascade(double threshold) {
    return new CascadeAggregator(threshold);
  }

  /**
   * @param synthesizer the router through which the synthesizer expert is reached ({@code
   *     router.asSynthesizer()})
   * @return combines the answers into one through a synthesizer expert
   */
  public static Aggregator synthesis(Synthesizer synthesizer) {
    return new SynthesisAggregator(synthesizer);
  }

  /**
   * @param id a strategy id: {@code best-score}, {@code gate-weighted}, {@code majority-vote} or
   *     {@code cascade} (threshold 0.8); synthesis needs a synthesizer and is built with {@link
   *     #synthesis}
   * @return the aggregator
   * @throws IllegalArgumentException for an unknown id
   */
  public static Aggregator byId(String id) {
    return switch (id) {
      case "best-score" -> bestScore();
      case "gate-weighted" -> gateWeighted();
      case "majority-vote" -> majorityVote(ValueEquivalence.normalizedText());
      case "cascade" -> cascade(0.8);
      default ->
          throw new IllegalArgumentException(
              "unknown aggregation strategy '"
                  + id
                  + "' (expected best-score, gate-weighted, majority-vote, cascade or synthesis)");
    };
  }
}
