package io.himoe.server.loop;

import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.learning.shadow.FeedbackCredit;
import io.himoe.learning.shadow.PairRecord;
import io.himoe.learning.shadow.ShadowComparison;
import io.himoe.learning.shadow.ShadowLedger;
import io.himoe.router.Router;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credits shadow routers from feedback, off the request path: each feedback a primary router
 * receives is queued (a bounded queue: when it is full the feedback is not used for credit, and
 * counted), and a worker replays the decision's input through each of the primary's shadows within
 * a time budget ({@link FeedbackCredit}), records the comparison per pair ({@link ShadowLedger}),
 * and — when promotion is on — promotes a shadow whose win rate is significantly above one half by
 * an always-valid test (so looking after every comparison does not inflate false promotions). Each
 * promotion, or each pair that would be promoted while promotion is off, is logged once and listed
 * in the admin view.
 */
public final class ShadowCredits implements EngineListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShadowCredits.class);
  private static final int MAX_EVENTS = 200;

  /**
   * @param enabled whether feedback credits shadows at all
   * @param promote whether a significantly better shadow replaces its primary
   * @param alpha significance level of the always-valid test, in (0, 1)
   * @param minComparisons decisive comparisons needed before a promotion
   * @param margin how far an estimated score must be from the reward to decide, in [0, 1)
   * @param minSamples rewards an expert needs before its mean stands for it
   * @param queue feedbacks waiting for credit at most
   * @param budget time one replay may take
   */
  public record Settings(
      boolean enabled,
      boolean promote,
      double alpha,
      int minComparisons,
      double margin,
      int minSamples,
      int queue,
      Duration budget) {}

  private record Task(String primary, RouterFeedback feedback) {}

  private final Settings settings;
  private final Function<String, Optional<Router>> routers;
  private final Function<String, List<String>> shadowsOf;
  private final Promotions promotions;
  private final InstantSource clock;
  private final FeedbackCredit credit;
  private final ShadowLedger ledger = new ShadowLedger();
  private final BlockingQueue<Task> queue;
  private final Deque<ShadowEvent> events = new ArrayDeque<>();
  private final Set<String> announced = new HashSet<>();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Object idle = new Object();
  private long pending;
  private volatile @Nullable MeterRegistry registry;
  private final Thread worker;

  /**
   * @param settings how credit and promotion work
   * @param routers a router by id
   * @param shadowsOf the shadows of a primary router
   * @param promotions where promotions go
   * @param clock the clock of events
   */
  public ShadowCredits(
      Settings settings,
      Function<String, Optional<Router>> routers,
      Function<String, List<String>> shadowsOf,
      Promotions promotions,
      InstantSource clock) {
    this.settings = settings;
    this.routers = routers;
    this.shadowsOf = shadowsOf;
    this.promotions = promotions;
    this.clock = clock;
    this.credit = FeedbackCredit.of(settings.margin(), settings.minSamples());
    this.queue = new ArrayBlockingQueue<>(Math.max(1, settings.queue()));
    this.worker = Thread.ofVirtual().name("himoe-shadow-credit").start(this::drain);
  }

  @Override
  public void on(EngineEvent event) {
    if (!(event instanceof EngineEvent.FeedbackApplied f) || !settings.enabled()) {
      return;
    }
    if (shadowsOf.apply(f.routerId()).isEmpty()) {
      return;
    }
    synchronized (idle) {
      if (!queue.offer(new Task(f.routerId(), f.feedback()))) {
        skipped.incrementAndGet();
        return;
      }
      pending++;
    }
  }

  private void drain() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Task t = queue.take();
        try {
          credit(t);
        } catch (RuntimeException e) {
          failed.incrementAndGet();
          LOG.warn("shadow credit of trace {} failed: {}", t.feedback().traceId(), e.toString());
        } finally {
          synchronized (idle) {
            pending--;
            idle.notifyAll();
          }
        }
      }
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    }
  }

  private void credit(Task t) {
    for (String shadowId : shadowsOf.apply(t.primary())) {
      Optional<Router> shadow = routers.apply(shadowId);
      if (shadow.isEmpty()) {
        continue;
      }
      Context ctx =
          Context.builder()
              .budget(settings.budget())
              .clock(clock)
              .traceId(t.feedback().traceId())
              .build();
      Optional<ShadowComparison> c = credit.compare(t.primary(), t.feedback(), shadow.get(), ctx);
      if (c.isPresent()) {
        PairRecord r = ledger.record(c.get());
        count(c.get());
        decide(r);
      }
    }
    credit.observe(t.feedback());
  }

  private void decide(PairRecord r) {
    if (!r.shadowSignificantlyBetter(settings.alpha(), settings.minComparisons())) {
      return;
    }
    boolean doPromote = settings.promote() && !promotions.resolve(r.primary()).equals(r.shadow());
    String key = r.primary() + "\u0000" + r.shadow();
    synchronized (events) {
      if (!doPromote && !announced.add(key)) {
        return;
      }
    }
    String kind = doPromote ? "promoted" : "promotable";
    if (doPromote) {
      try {
        promotions.promote(r.primary(), r.shadow());
      } catch (IllegalArgumentException cycle) {
        return;
      } catch (RuntimeException notShared) {
        // The replicas' shared store could not be written: nothing changed; the record stands
        // and the next comparison tries again.
        LOG.warn(
            "shadow '{}' not promoted over '{}': {}",
            r.shadow(),
            r.primary(),
            notShared.getMessage());
        return;
      }
      ledger.reset(r.primary(), r.shadow());
    }
    LOG.info(
        "shadow '{}' {} over '{}': won {} of {} decisive comparisons, always-valid p = {}",
        r.shadow(),
        doPromote ? "promoted" : "would be promoted (shadows.credit.promote is off)",
        r.primary(),
        r.shadowWins(),
        r.decisive(),
        String.format("%.4g", r.pValue()));
    synchronized (events) {
      events.addLast(
          new ShadowEvent(
              clock.instant(),
              kind,
              r.primary(),
              r.shadow(),
              r.shadowWins(),
              r.primaryWins(),
              r.pValue()));
      while (events.size() > MAX_EVENTS) {
        events.removeFirst();
      }
    }
  }

  private void count(ShadowComparison c) {
    MeterRegistry m = registry;
    if (m != null) {
      Counter.builder("himoe.shadow.credit")
          .description("feedback-scored comparisons of a shadow router with the primary")
          .tag("primary", c.primary())
          .tag("shadow", c.shadow())
          .tag("outcome", c.outcome().label())
          .register(m)
          .increment();
      Gauge.builder(
              "himoe.shadow.credit.win.ratio",
              ledger,
              l -> l.get(c.primary(), c.shadow()).map(PairRecord::winRate).orElse(Double.NaN))
          .description("a shadow's share of the decisive comparisons with its primary")
          .tag("primary", c.primary())
          .tag("shadow", c.shadow())
          .register(m);
    }
  }

  /**
   * Exports {@code himoe_shadow_credit_total{primary,shadow,outcome}}, {@code
   * himoe_shadow_credit_win_ratio{primary,shadow}} and {@code
   * himoe_shadow_credit_skipped_total{reason}}.
   *
   * @param m the registry
   */
  public void bindTo(MeterRegistry m) {
    FunctionCounter.builder("himoe.shadow.credit.skipped", skipped, AtomicLong::get)
        .description("feedback not used for shadow credit")
        .tag("reason", "queue_full")
        .register(m);
    FunctionCounter.builder("himoe.shadow.credit.skipped", failed, AtomicLong::get)
        .description("feedback not used for shadow credit")
        .tag("reason", "failed")
        .register(m);
    this.registry = m;
  }

  /**
   * Waits until every queued feedback has been credited (for tests and orderly shutdown).
   *
   * @param timeout how long to wait at most
   * @return whether the queue is empty
   * @throws InterruptedException if interrupted
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (pending > 0) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
      return true;
    }
  }

  /**
   * @return every (primary, shadow) record so far
   */
  public List<PairRecord> records() {
    return ledger.records();
  }

  /**
   * @return the promotions and would-be promotions so far, oldest first (the last 200)
   */
  public List<ShadowEvent> events() {
    synchronized (events) {
      return List.copyOf(new ArrayList<>(events));
    }
  }

  /**
   * @return the settings
   */
  public Settings settings() {
    return settings;
  }

  /**
   * @return feedbacks not credited because the queue was full
   */
  public long skipped() {
    return skipped.get();
  }

  /** Stops the worker; queued feedback is dropped. */
  @Override
  public void close() {
    worker.interrupt();
  }
}
