package io.himoe.runtime.generation;

import io.himoe.runtime.mode.ModelTier;
import io.himoe.runtime.mode.PerformanceProfile;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/** {@link TokenSource#ngram}: the n-gram order follows the mode's tier. */
final class NgramTokenSource implements TokenSource {

  private final NgramModel model;
  private final long seed;

  NgramTokenSource(NgramModel model, long seed) {
    this.model = Objects.requireNonNull(model, "model");
    this.seed = seed;
  }

  static int order(ModelTier tier) {
    return switch (tier) {
      case SMALL -> 2;
      case MEDIUM -> 3;
      case LARGE -> 4;
    };
  }

  @Override
  public TokenSession open(String prompt, PerformanceProfile profile) {
    return new Session(prompt);
  }

  private final class Session implements TokenSession {
    private final SplittableRandom random = new SplittableRandom(seed);
    private final int ctx = model.maxOrder() - 1;
    private final int[] history = new int[Math.max(1, ctx)];
    private int len;
    private boolean first = true;

    Session(String prompt) {
      int[] ids = model.encode(prompt);
      int n = Math.min(ctx, ids.length);
      System.arraycopy(ids, ids.length - n, history, 0, n);
      len = n;
    }

    @Override
    public Optional<String> next(PerformanceProfile profile) {
      // The sampling scratch buffer: what stepBytes() accounts for.
      double[] scratch = new double[model.maxCandidates()];
      int tok = model.next(history, len, order(profile.tier()), random, scratch);
      push(tok);
      String chunk = model.chunk(tok, first);
      first = false;
      return Optional.of(chunk);
    }

    @Override
    public long stepBytes() {
      return (long) model.maxCandidates() * Double.BYTES;
    }

    private void push(int tok) {
      if (ctx == 0) {
        return;
      }
      if (len < ctx) {
        history[len++] = tok;
        return;
      }
      System.arraycopy(history, 1, history, 0, ctx - 1);
      history[ctx - 1] = tok;
    }
  }
}
