package io.himoe.runtime.generation;

import io.himoe.runtime.mode.PerformanceProfile;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;

/**
 * {@link TokenSource#fromPush}: the producer runs on its own virtual thread and hands chunks over a
 * small bounded queue, so a slow consumer slows the producer; closing the session interrupts it.
 */
final class PushTokenSource implements TokenSource {

  private static final Object END = new Object();

  private record Failure(Throwable error) {}

  private final TokenProducer producer;
  private final int buffer;

  PushTokenSource(TokenProducer producer, int buffer) {
    this.producer = Objects.requireNonNull(producer, "producer");
    if (buffer < 1) {
      throw new IllegalArgumentException("push buffer must be >= 1 token, got " + buffer);
    }
    this.buffer = buffer;
  }

  @Override
  public TokenSession open(String prompt, PerformanceProfile profile) {
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(buffer);
    Thread thread =
        Thread.ofVirtual()
            .name("himoe-token-producer")
            .start(() -> produce(prompt, profile, queue));
    return new TokenSession() {
      private boolean ended;

      @Override
      public Optional<String> next(PerformanceProfile p) throws Exception {
        if (ended) {
          return Optional.empty();
        }
        Object o = queue.take();
        if (o == END) {
          ended = true;
          return Optional.empty();
        }
        if (o instanceof Failure(Throwable error)) {
          ended = true;
          throw error instanceof Exception e ? e : new IllegalStateException(error);
        }
        return Optional.of((String) o);
      }

      @Override
      public void close() {
        thread.interrupt();
      }
    };
  }

  private void produce(String prompt, PerformanceProfile profile, BlockingQueue<Object> queue) {
    Object last = END;
    try {
      producer.produce(
          prompt,
          profile,
          chunk -> {
            try {
              queue.put(Objects.requireNonNull(chunk, "chunk"));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new CancellationException("token consumer closed the stream");
            }
          });
    } catch (Exception e) {
      last = new Failure(e);
    }
    if (Thread.currentThread().isInterrupted()) {
      // The consumer is gone: nobody reads the end marker.
      return;
    }
    try {
      queue.put(last);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
