package io.himoe.learning.state;

import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.router.Router;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Saves the learned state every N feedbacks: register it as an {@link EngineListener}. The save
 * runs on a virtual thread so that feedback is never slowed by disk I/O; saves requested while one
 * is running are coalesced into one more. A failed save is kept in {@link #lastError()} (the
 * previous snapshot stays valid) and retried at the next trigger.
 */
public final class AutoSnapshot implements EngineListener {

  private final SnapshotStore store;
  private final Supplier<? extends Collection<? extends Router>> routers;
  private final int every;
  private final InstantSource clock;
  private final AtomicLong feedbacks = new AtomicLong();
  private final AtomicLong saves = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private final AtomicReference<@Nullable SnapshotException> lastError = new AtomicReference<>();
  private volatile @Nullable Thread worker; // null until the first background save

  private AutoSnapshot(
      SnapshotStore store,
      Supplier<? extends Collection<? extends Router>> routers,
      int every,
      InstantSource clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.routers = Objects.requireNonNull(routers, "routers");
    if (every < 1) {
      throw new IllegalArgumentException("snapshot interval must be >= 1 feedback, got " + every);
    }
    this.every = every;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param store where to save
   * @param routers the routers whose state to save (read at every save)
   * @param everyFeedbacks save after this many feedbacks, &gt;= 1
   * @param clock the time recorded in snapshots
   * @return the listener
   */
  public static AutoSnapshot of(
      SnapshotStore store,
      Supplier<? extends Collection<? extends Router>> routers,
      int everyFeedbacks,
      InstantSource clock) {
    return new AutoSnapshot(store, routers, everyFeedbacks, clock);
  }

  @Override
  public void on(EngineEvent event) {
    if (event instanceof EngineEvent.FeedbackApplied && feedbacks.incrementAndGet() % every == 0) {
      request();
    }
  }

  private void request() {
    again.set(true);
    if (running.compareAndSet(false, true)) {
      worker = Thread.ofVirtual().name("himoe-snapshot").start(this::drain);
    }
  }

  private void drain() {
    try {
      while (again.getAndSet(false)) {
        saveNow();
      }
    } finally {
      running.set(false);
      // A request that arrived between the last check and the release must not be lost.
      if (again.get() && running.compareAndSet(false, true)) {
        worker = Thread.ofVirtual().name("himoe-snapshot").start(this::drain);
      }
    }
  }

  /**
   * Saves now, on the calling thread (for shutdown hooks and tests).
   *
   * @return whether the save succeeded
   */
  public synchronized boolean saveNow() {
    try {
      store.save(LearningSnapshot.capture(clock.instant(), routers.get()));
      saves.incrementAndGet();
      lastError.set(null);
      return true;
    } catch (SnapshotException e) {
      lastError.set(e);
      return false;
    }
  }

  /**
   * Waits for a background save in progress, if any.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitIdle() throws InterruptedException {
    Thread t = worker;
    while (t != null && t.isAlive()) {
      t.join();
      t = worker;
    }
  }

  /**
   * @return snapshots written so far
   */
  public long saves() {
    return saves.get();
  }

  /**
   * @return the error of the latest save, if it failed
   */
  public Optional<SnapshotException> lastError() {
    return Optional.ofNullable(lastError.get());
  }
}
