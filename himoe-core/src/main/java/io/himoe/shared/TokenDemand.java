package io.himoe.shared;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The demand side of a token publisher with one subscriber and one producing thread (a streaming
 * expert's call, a local generation): the subscription the subscriber holds, and the loop the
 * producer blocks in until the subscriber has asked for another token. Demand adds up and saturates
 * at {@link Long#MAX_VALUE} (unbounded); {@code request(n)} with {@code n <= 0} is a protocol error
 * (Reactive Streams §3.9) that stops the producer like a cancel; {@link #cancel()} stops it too and
 * wakes it at once. {@code onStop} runs on either, so that the producer's own work (an upstream
 * connection, a blocking read) stops as well.
 *
 * <p>Thread-safe: {@code request} and {@code cancel} may come from any thread.
 */
public final class TokenDemand implements Flow.Subscription {

  /** What {@link #await} found. */
  public enum Grant {
    /** One token may be sent. */
    GRANTED,
    /** The subscriber cancelled (or the producer's cancel token fired). */
    CANCELLED,
    /** The subscriber requested {@code n <= 0}: see {@link #protocolError()}. */
    PROTOCOL_ERROR,
    /** The deadline passed with no demand. */
    TIMED_OUT,
    /** The waiting thread was interrupted. */
    INTERRUPTED
  }

  private final Runnable onStop;
  private final AtomicLong demand = new AtomicLong();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile boolean cancelled;
  private volatile @Nullable IllegalArgumentException protocolError;
  private volatile @Nullable Thread waiter;

  /**
   * @param onStop run once, on the first cancel or protocol error
   */
  public TokenDemand(Runnable onStop) {
    this.onStop = Objects.requireNonNull(onStop, "onStop");
  }

  /**
   * Refuses a second subscriber as Reactive Streams requires: a no-op subscription, then an error.
   *
   * @param subscribed set on the first subscription
   * @param subscriber the subscriber
   * @param what the publisher, for the message
   * @return whether this is the first subscriber (false: it was refused)
   */
  public static boolean firstSubscriber(
      AtomicBoolean subscribed, Flow.Subscriber<?> subscriber, String what) {
    if (subscribed.compareAndSet(false, true)) {
      return true;
    }
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
    subscriber.onError(new IllegalStateException(what + " accepts a single subscriber"));
    return false;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      protocolError =
          new IllegalArgumentException("request(n) needs n > 0, got " + n + " (Flow §3.9)");
      stop();
    } else {
      demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      LockSupport.unpark(waiter);
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    stop();
  }

  private void stop() {
    if (stopped.compareAndSet(false, true)) {
      onStop.run();
    }
    LockSupport.unpark(waiter);
  }

  /**
   * Blocks the producer until one token may be sent, and takes it from the demand.
   *
   * @param deadlineNanos the {@link System#nanoTime()} after which to give up; {@link
   *     Long#MAX_VALUE} for none
   * @return {@link Grant#GRANTED}, or why not
   */
  public Grant await(long deadlineNanos) {
    waiter = Thread.currentThread();
    while (true) {
      if (protocolError != null) {
        return Grant.PROTOCOL_ERROR;
      }
      if (cancelled) {
        return Grant.CANCELLED;
      }
      if (Thread.currentThread().isInterrupted()) {
        return Grant.INTERRUPTED;
      }
      long d = demand.get();
      if (d > 0) {
        if (d == Long.MAX_VALUE || demand.compareAndSet(d, d - 1)) {
          return Grant.GRANTED;
        }
        continue;
      }
      if (deadlineNanos == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return Grant.TIMED_OUT;
        }
        LockSupport.parkNanos(this, left);
      }
    }
  }

  /**
   * @return whether the subscriber cancelled
   */
  public boolean cancelled() {
    return cancelled;
  }

  /**
   * @return the subscriber's protocol error ({@code request(n <= 0)}), or {@code null}
   */
  public @Nullable IllegalArgumentException protocolError() {
    return protocolError;
  }
}
