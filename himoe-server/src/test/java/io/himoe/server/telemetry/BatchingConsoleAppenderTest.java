package io.himoe.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The batching appender behind the access log: a full queue drops lines and counts them without
 * blocking the thread that logs, and stopping writes every queued line, in order.
 */
class BatchingConsoleAppenderTest {

  /** Captures what is written; can hold the first write until released (a stuck stderr). */
  static final class Target extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release;

    Target(boolean stuck) {
      this.release = new CountDownLatch(stuck ? 1 : 0);
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (bytes) {
        bytes.write(b, off, len);
      }
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }

  static Logger logger(LoggerContext ctx, BatchingConsoleAppender a, int queueSize, long lingerMs) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%msg%n");
    encoder.start();
    a.setContext(ctx);
    a.setName("test");
    a.setEncoder(encoder);
    a.setQueueSize(queueSize);
    a.setLingerMs(lingerMs);
    a.start();
    assertThat(a.isStarted()).isTrue();
    Logger log = ctx.getLogger("batching-test");
    log.setAdditive(false);
    log.addAppender(a);
    return log;
  }

  static String lines(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> "line " + i + "\n")
        .collect(Collectors.joining());
  }

  @Test
  void aFullQueueDropsAndCountsLinesInsteadOfBlockingTheRequest() throws Exception {
    LoggerContext ctx = new LoggerContext();
    Target stuck = new Target(true);
    BatchingConsoleAppender a = new BatchingConsoleAppender(() -> stuck);
    Logger log = logger(ctx, a, 4, 0);
    log.info("line 0");
    assertThat(stuck.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the writer is stuck in it
    long droppedBefore = BatchingConsoleAppender.droppedLines();
    for (int i = 1; i <= 10; i++) {
      log.info("line " + i); // returns although nothing can be written: 4 queue, 6 are dropped
    }
    assertThat(BatchingConsoleAppender.droppedLines() - droppedBefore).isEqualTo(6);
    stuck.release.countDown();
    a.stop();
    assertThat(stuck.text()).isEqualTo(lines(0, 5));
  }

  @Test
  void stoppingWritesEveryQueuedLineInOrder() {
    LoggerContext ctx = new LoggerContext();
    Target out = new Target(false);
    BatchingConsoleAppender a = new BatchingConsoleAppender(() -> out);
    // A long linger: after its first batch the writer waits, so the rest is still queued at stop.
    Logger log = logger(ctx, a, 10_000, 60_000);
    for (int i = 0; i < 5_000; i++) {
      log.info("line " + i);
    }
    a.stop();
    assertThat(out.text()).isEqualTo(lines(0, 5_000));
    log.info("after stop"); // not written, and does not fail
    assertThat(out.text()).isEqualTo(lines(0, 5_000));
  }

  @Test
  void flushAllWritesWhatIsQueuedWithoutStopping() {
    LoggerContext ctx = new LoggerContext();
    Target out = new Target(false);
    BatchingConsoleAppender a = new BatchingConsoleAppender(() -> out);
    Logger log = logger(ctx, a, 100, 60_000);
    for (int i = 0; i < 50; i++) {
      log.info("line " + i);
    }
    BatchingConsoleAppender.flushAll();
    assertThat(out.text()).isEqualTo(lines(0, 50));
    a.stop();
  }

  @Test
  void withoutAnEncoderItDoesNotStart() {
    BatchingConsoleAppender a = new BatchingConsoleAppender(ByteArrayOutputStream::new);
    a.setContext(new LoggerContext());
    a.start();
    assertThat(a.isStarted()).isFalse();
  }
}
