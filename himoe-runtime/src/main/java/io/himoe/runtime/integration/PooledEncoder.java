package io.himoe.runtime.integration;

import io.himoe.runtime.memory.MemoryPool;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.RequestDeadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An in-process encoder (such as the MiniLM sentence encoder) that takes its working memory from a
 * {@link MemoryPool}: each call leases {@code bytesPerInput} per input (so a batch leases for all
 * its inputs at once), waiting at most {@code maxWait}; the lease is released when the vectors are
 * ready. An encoder has no request context: the wait is also capped by the deadline of the request
 * being routed ({@link RequestDeadline}), so a request never waits past its own deadline.
 */
public final class PooledEncoder implements Encoder {

  private final Encoder inner;
  private final MemoryPool pool;
  private final long bytesPerInput;
  private final Duration maxWait;

  private PooledEncoder(Encoder inner, MemoryPool pool, long bytesPerInput, Duration maxWait) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.pool = Objects.requireNonNull(pool, "pool");
    if (bytesPerInput < 0) {
      throw new IllegalArgumentException("bytesPerInput must be >= 0, got " + bytesPerInput);
    }
    this.bytesPerInput = bytesPerInput;
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
  }

  /**
   * @param inner the encoder
   * @param pool the pool it takes memory from
   * @param bytesPerInput working memory per encoded input (activations, token buffers), bytes
   * @param maxWait the longest a call waits for memory before failing (shorter when the request
   *     being routed has less time left)
   * @return the pooled encoder, with the inner encoder's id
   */
  public static PooledEncoder wrap(
      Encoder inner, MemoryPool pool, long bytesPerInput, Duration maxWait) {
    return new PooledEncoder(inner, pool, bytesPerInput, maxWait);
  }

  @Override
  public Encoded encode(InputData input) {
    try (MemoryPool.Lease _ = pool.acquire(bytesPerInput, RequestDeadline.cap(maxWait))) {
      return inner.encode(input);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoeError.Cancelled("encoder " + inner.id() + " waiting for memory");
    }
  }

  /**
   * Encodes in batches whose working memory fits the pool's capacity (a long list of examples is
   * not refused for being larger than the whole pool), each batch under its own lease.
   */
  @Override
  public List<Encoded> encodeAll(List<? extends InputData> inputs) {
    int batch =
        bytesPerInput == 0
            ? Math.max(1, inputs.size())
            : (int) Math.max(1, Math.min(inputs.size(), pool.capacityBytes() / bytesPerInput));
    List<Encoded> out = new ArrayList<>(inputs.size());
    for (int from = 0; from < inputs.size(); from += batch) {
      List<? extends InputData> part = inputs.subList(from, Math.min(inputs.size(), from + batch));
      try (MemoryPool.Lease _ =
          pool.acquire(bytesPerInput * part.size(), RequestDeadline.cap(maxWait))) {
        out.addAll(inner.encodeAll(part));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MoeError.Cancelled("encoder " + inner.id() + " waiting for memory");
      }
    }
    return out;
  }

  @Override
  public String id() {
    return inner.id();
  }
}
