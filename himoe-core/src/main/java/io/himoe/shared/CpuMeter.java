package io.himoe.shared;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Adds up the CPU time of a piece of work, including the expert calls it starts. The JVM measures
 * CPU time per platform thread only (a virtual thread reports none), so work measured with {@link
 * #measure} has its expert calls run on platform threads ({@link #startCall}) that add their own
 * CPU time here; the binding is a {@link ScopedValue}, so it follows the work into nested routers.
 * The engine uses it to keep shadow routers under a share of the primaries' CPU, and to hold a
 * request to its {@link CpuBudget} (the request path binds one only then).
 *
 * <p>{@link #liveNanos()} also counts the work still running on a platform thread (read through
 * {@link ThreadMXBean#getThreadCpuTime(long)}), so a watchdog sees a budget run out during a long
 * call, not after it; {@link #checkBudget(String)} is the check made at the pipeline's stage and
 * expert-call boundaries.
 *
 * <p>Where the current thread's CPU time cannot be read (a virtual thread, a JVM without thread CPU
 * time), its wall time stands in: an upper bound for work on one thread.
 *
 * <p>The platform threads of metered calls are pooled (idle ones end after a minute): starting a
 * platform thread per call cost more than many of the calls it ran.
 *
 * <p>Thread-safe.
 */
public final class CpuMeter {

  private static final ScopedValue<CpuMeter> CURRENT = ScopedValue.newInstance();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final ExecutorService CALL_THREADS =
      Executors.newCachedThreadPool(
          Thread.ofPlatform().daemon().name("himoe-metered-expert-", 0).factory());

  private final LongAdder nanos = new LongAdder();
  // Platform threads measuring now -> their CPU time when they started, in ns.
  private final Map<Thread, Long> running = new ConcurrentHashMap<>();
  private final CpuBudget budget;

  /** A meter at zero, without a budget. */
  public CpuMeter() {
    this(CpuBudget.unlimited());
  }

  /**
   * A meter at zero that holds work to a budget ({@link #checkBudget(String)}).
   *
   * @param budget the budget
   */
  public CpuMeter(CpuBudget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /**
   * @return the budget this meter holds work to
   */
  public CpuBudget budget() {
    return budget;
  }

  /**
   * Throws when the meter bound to this thread has a budget and its work has spent it: called at
   * stage and expert-call boundaries so that a request over its budget stops there.
   *
   * @param stage where the check is made, for the error
   * @throws MoeError.CpuBudgetExceeded when the budget is spent
   */
  public static void checkBudget(String stage) {
    CpuMeter m = current();
    if (m != null && m.budget.isLimited()) {
      long used = m.liveNanos();
      if (used > m.budget.limitNanos()) {
        throw m.exceeded(used, stage);
      }
    }
  }

  /**
   * @param usedNanos the CPU time spent, in ns
   * @param stage where it was noticed
   * @return the error that refuses the request
   */
  public MoeError.CpuBudgetExceeded exceeded(long usedNanos, String stage) {
    return new MoeError.CpuBudgetExceeded(
        budget.name(), budget.limitMs(), usedNanos / 1_000_000, stage);
  }

  /**
   * @return the CPU time measured so far plus what the platform threads still measuring have spent
   *     until now, in ns
   */
  public long liveNanos() {
    long sum = nanos.sum();
    for (Map.Entry<Thread, Long> e : running.entrySet()) {
      long now = THREADS.getThreadCpuTime(e.getKey().threadId());
      if (now >= 0) {
        sum += Math.max(0, now - e.getValue());
      }
    }
    return sum;
  }

  /**
   * @return how many platform threads are measuring now (each spends at most 1 ns of CPU per ns)
   */
  public int runningThreads() {
    return running.size();
  }

  /**
   * @return whether this meter is counting the current thread's CPU time now (the thread is a
   *     platform thread running work under {@link #measure}): what else runs on this thread is
   *     counted without a metered thread of its own
   */
  public boolean measuresCurrentThread() {
    return running.containsKey(Thread.currentThread());
  }

  /**
   * @return the meter bound to the work running on this thread, or {@code null} when none is (the
   *     request path)
   */
  public static @Nullable CpuMeter current() {
    return CURRENT.isBound() ? CURRENT.get() : null;
  }

  /**
   * Runs work on this thread with this meter bound, and adds the thread's CPU time to it.
   *
   * @param work the work
   * @param <T> its result
   * @return what the work returned
   */
  public <T> T measure(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    long cpu0 = threadCpuNanos();
    long wall0 = System.nanoTime();
    Thread self = Thread.currentThread();
    if (cpu0 >= 0) {
      running.put(self, cpu0);
    }
    try {
      return ScopedValue.where(CURRENT, this).call(work::get);
    } finally {
      // Removed before it is added: a live reading in between misses this thread's time rather
      // than counting it twice.
      running.remove(self);
      add(cpu0, wall0);
    }
  }

  /**
   * Starts a call on a pooled platform thread, whose CPU time can be read (a virtual thread's
   * cannot): expert calls made while a meter is bound run there instead of on a virtual thread, and
   * count their time with {@link #measure}. The call starts at once (the pool grows while every
   * thread is busy; idle threads end after a minute).
   *
   * @param call the call
   */
  public static void startCall(Runnable call) {
    CALL_THREADS.execute(Objects.requireNonNull(call, "call"));
  }

  /**
   * @return the CPU time measured so far, in ns
   */
  public long nanos() {
    return nanos.sum();
  }

  private void add(long cpu0, long wall0) {
    long cpu1 = threadCpuNanos();
    long spent = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : System.nanoTime() - wall0;
    nanos.add(Math.max(0, spent));
  }

  private static long threadCpuNanos() {
    if (Thread.currentThread().isVirtual() || !THREADS.isCurrentThreadCpuTimeSupported()) {
      return -1;
    }
    return THREADS.getCurrentThreadCpuTime();
  }
}
