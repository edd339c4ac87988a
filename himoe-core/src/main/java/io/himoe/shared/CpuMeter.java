package io.himoe.shared;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Adds up the CPU time of a piece of work, including the expert calls it starts. The JVM measures
 * CPU time per platform thread only (a virtual thread reports none), so work measured with {@link
 * #measure} has its expert calls run on platform threads that add their own CPU time here; the
 * binding is a {@link ScopedValue}, so it follows the work into nested routers. The engine uses it
 * to keep shadow routers under a share of the primaries' CPU; the request path never binds one.
 *
 * <p>Where the current thread's CPU time cannot be read (a virtual thread, a JVM without thread CPU
 * time), its wall time stands in: an upper bound for work on one thread.
 *
 * <p>Thread-safe.
 */
public final class CpuMeter {

  private static final ScopedValue<CpuMeter> CURRENT = ScopedValue.newInstance();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final Thread.Builder.OfPlatform CALL_THREADS =
      Thread.ofPlatform().daemon().name("himoe-metered-expert");

  private final LongAdder nanos = new LongAdder();

  /** A meter at zero. */
  public CpuMeter() {}

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
    try {
      return ScopedValue.where(CURRENT, this).call(work::get);
    } finally {
      add(cpu0, wall0);
    }
  }

  /**
   * An unstarted platform thread that runs a call under this meter and adds its CPU time here.
   * Expert calls made while a meter is bound use it instead of a virtual thread.
   *
   * @param call the call
   * @return the thread, not started
   */
  public Thread unstartedCallThread(Runnable call) {
    Objects.requireNonNull(call, "call");
    return CALL_THREADS.unstarted(
        () ->
            measure(
                () -> {
                  call.run();
                  return null;
                }));
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
