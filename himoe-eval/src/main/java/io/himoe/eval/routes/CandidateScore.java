package io.himoe.eval.routes;

import java.util.OptionalDouble;

/**
 * A candidate's cross-validated counts.
 *
 * @param candidate the setting
 * @param inScopeRight held-out in-scope training rows accepted with the right route
 * @param inScopeRows in-scope training rows (each held out once)
 * @param oosRejected held-out out-of-scope training rows rejected
 * @param oosRows out-of-scope training rows
 * @param valInScopeRight validation in-scope rows right, summed over the folds' gates
 * @param valInScopeRows validation in-scope rows times folds
 * @param valOosRejected validation out-of-scope rows rejected, summed over the folds' gates
 * @param valOosRows validation out-of-scope rows times folds
 * @param seconds wall-clock seconds of this candidate's encoding and fits (shared with the
 *     candidates that differ from it only in their threshold rule)
 */
public record CandidateScore(
    Candidate candidate,
    int inScopeRight,
    int inScopeRows,
    int oosRejected,
    int oosRows,
    int valInScopeRight,
    int valInScopeRows,
    int valOosRejected,
    int valOosRows,
    double seconds) {

  /**
   * @return the cross-validated in-scope accuracy (a rejected in-scope row is wrong)
   */
  public double inScopeAccuracy() {
    return ratio(inScopeRight, inScopeRows).orElse(0);
  }

  /**
   * @return the cross-validated out-of-scope recall; empty without out-of-scope training rows
   */
  public OptionalDouble oosRecall() {
    return ratio(oosRejected, oosRows);
  }

  /**
   * @return the validation rows' in-scope accuracy, averaged over the folds' gates (the threshold
   *     was calibrated there: optimistic)
   */
  public OptionalDouble valInScopeAccuracy() {
    return ratio(valInScopeRight, valInScopeRows);
  }

  /**
   * @return the validation rows' out-of-scope recall, averaged over the folds' gates
   */
  public OptionalDouble valOosRecall() {
    return ratio(valOosRejected, valOosRows);
  }

  /**
   * @return the recall the minimum applies to: the cross-validated one, or the validation rows'
   *     when the training rows have no out-of-scope row
   */
  public OptionalDouble constrainedRecall() {
    return oosRows > 0 ? oosRecall() : valOosRecall();
  }

  private static OptionalDouble ratio(int a, int b) {
    return b == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) a / b);
  }
}
