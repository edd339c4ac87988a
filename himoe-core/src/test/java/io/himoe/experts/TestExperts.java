package io.himoe.experts;

import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Real, small experts for tests: they compute their answers, and block or fail on purpose. */
public final class TestExperts {

  private TestExperts() {}

  /** Answers a fixed value; records the context it saw. */
  public static final class Constant implements Expert {
    private final String name;
    private final Value value;
    private final double confidence;
    private final double cost;
    private final String hint;
    public final AtomicInteger calls = new AtomicInteger();
    public final AtomicReference<Context> lastCtx = new AtomicReference<>();

    public Constant(String name, Value value, double confidence, double cost, String hint) {
      this.name = name;
      this.value = value;
      this.confidence = confidence;
      this.cost = cost;
      this.hint = hint;
    }

    public static Constant of(String name, String text) {
      return new Constant(name, Value.text(text), 0.9, 0, null);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      calls.incrementAndGet();
      lastCtx.set(ctx);
      return ExpertOut.of(value, cost, confidence);
    }

    @Override
    public double canHandle(String task) {
      return hint != null && task.toLowerCase().contains(hint) ? 1.0 : 0.0;
    }
  }

  /** Upper-cases its input: a real transformation. */
  public static final class Upper implements Expert {
    private final String name;

    public Upper(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      return ExpertOut.of(Value.text(input.toText().toUpperCase()), 0, 0.8);
    }
  }

  /** Throws. */
  public static final class Failing implements Expert {
    private final String name;

    public Failing(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      throw new IllegalStateException("boom from " + name);
    }
  }

  /**
   * Blocks until released or interrupted; counts how many calls are running and how many were
   * interrupted, so tests can check that dropped calls really stop.
   */
  public static final class Hanging implements Expert {
    private final String name;
    public final CountDownLatch release = new CountDownLatch(1);
    public final CountDownLatch started = new CountDownLatch(1);
    public final AtomicInteger running = new AtomicInteger();
    public final AtomicInteger interrupted = new AtomicInteger();

    public Hanging(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) throws InterruptedException {
      running.incrementAndGet();
      started.countDown();
      try {
        release.await();
        return ExpertOut.of(Value.text(name + " finally"), 0, 0.5);
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      } finally {
        running.decrementAndGet();
      }
    }
  }
}
