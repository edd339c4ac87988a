package io.himoe.server.telemetry;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A logback appender that writes to standard error in batches, for the server's access log (one
 * line per request). Each line is formatted by the encoder on the thread that logs it (so the line,
 * its time and its MDC trace id are those of the request), then put on a bounded queue; one
 * background thread writes whatever has queued with one write per batch, at most every {@code
 * lingerMs} while lines keep coming. Logging never blocks: when the queue is full (standard error
 * slower than the traffic) the line is dropped and counted ({@link #droppedLines()}, the metric
 * {@code himoe_log_lines_dropped_total}). {@link #stop()} and {@link #flushAll()} write every
 * queued line, so a normal stop loses none.
 *
 * <p>In {@code logback.xml}: {@code <appender
 * class="io.himoe.server.telemetry.BatchingConsoleAppender">} with an {@code <encoder>} (the
 * pattern of the line), optionally {@code <queueSize>} (lines, default 8192) and {@code <lingerMs>}
 * (default 10).
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  private static final Set<BatchingConsoleAppender> STARTED = ConcurrentHashMap.newKeySet();
  private static final LongAdder DROPPED = new LongAdder();
  private static final int MAX_BATCH = 1024;

  private final Supplier<OutputStream> target;
  private final Object writing = new Object();
  private final AtomicBoolean asleep = new AtomicBoolean();
  private final ByteArrayOutputStream batch = new ByteArrayOutputStream(16 * 1024);
  private final List<byte[]> drained = new ArrayList<>();
  private @Nullable Encoder<ILoggingEvent> encoder;
  private int queueSize = 8192;
  private long lingerMs = 10;
  private BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(1);
  private @Nullable Thread writer;
  private volatile boolean running;

  /** An appender writing to {@code System.err} (as it is when each batch is written). */
  public BatchingConsoleAppender() {
    this(() -> System.err);
  }

  BatchingConsoleAppender(Supplier<OutputStream> target) {
    this.target = target;
  }

  /**
   * @param encoder formats each line (logback's {@code <encoder>})
   */
  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  /**
   * @param queueSize the lines that may wait to be written; more are dropped and counted
   */
  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  /**
   * @param lingerMs how long the writer waits after a batch for more lines, in ms
   */
  public void setLingerMs(long lingerMs) {
    this.lingerMs = lingerMs;
  }

  /**
   * @return the lines every instance dropped because its queue was full, since the JVM started
   */
  public static long droppedLines() {
    return DROPPED.sum();
  }

  /** Writes the lines queued in every started instance, and waits until they are written. */
  public static void flushAll() {
    for (BatchingConsoleAppender a : STARTED) {
      a.flush();
    }
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for the appender named [" + name + "]");
      return;
    }
    if (queueSize < 1 || lingerMs < 0) {
      addError("queueSize must be >= 1 and lingerMs >= 0 for the appender named [" + name + "]");
      return;
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    running = true;
    writer = Thread.ofPlatform().daemon().name("himoe-log-" + name).start(this::writeLoop);
    STARTED.add(this);
    super.start();
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    STARTED.remove(this);
    running = false;
    Thread w = writer;
    if (w != null) {
      LockSupport.unpark(w);
      try {
        w.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flush();
  }

  @Override
  protected void append(ILoggingEvent event) {
    Encoder<ILoggingEvent> e = encoder;
    if (e == null) {
      return;
    }
    if (!queue.offer(e.encode(event))) {
      DROPPED.increment();
      return;
    }
    if (asleep.get() && asleep.compareAndSet(true, false)) {
      Thread w = writer;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
  }

  /** Writes what is queued now (returns once it is written). */
  void flush() {
    synchronized (writing) {
      while (writeBatch()) {
        // until the queue is empty
      }
    }
  }

  private void writeLoop() {
    while (running) {
      boolean wrote;
      synchronized (writing) {
        wrote = writeBatch();
      }
      if (wrote) {
        // Lines keep coming: let more queue up so that the next write carries them all.
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(lingerMs));
        continue;
      }
      asleep.set(true);
      if (queue.isEmpty() && running) {
        // Until a line comes (append wakes us) or, at worst, a second passes.
        LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
      }
      asleep.set(false);
    }
  }

  /** Writes up to one batch of queued lines with one write; false if nothing was queued. */
  private boolean writeBatch() {
    drained.clear();
    queue.drainTo(drained, MAX_BATCH);
    if (drained.isEmpty()) {
      return false;
    }
    batch.reset();
    for (byte[] line : drained) {
      batch.writeBytes(line);
    }
    drained.clear();
    try {
      OutputStream out = target.get();
      batch.writeTo(out);
      out.flush();
    } catch (IOException | RuntimeException e) {
      addError("could not write " + batch.size() + " bytes of log lines", e);
    }
    return true;
  }
}
