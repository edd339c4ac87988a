package io.himoe.runtime.memory;

import io.himoe.runtime.device.DeviceStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The named pools of a runtime, with budgets derived from the device: a fraction of the memory
 * still available (the smaller of free heap and free cgroup memory), split between pools by shares.
 * {@link #ofDefaults} uses the seed's pools: {@code kv-cache} 50%, {@code activations} 35%, {@code
 * uniforms} 15% of a quarter of the available memory.
 */
public final class MemoryPools {

  /** The pool generated tokens' KV cache is taken from. */
  public static final String KV_CACHE = "kv-cache";

  /** The pool per-step working memory (activations, logits) is taken from. */
  public static final String ACTIVATIONS = "activations";

  /** The pool small per-step constants are taken from. */
  public static final String UNIFORMS = "uniforms";

  private final Map<String, MemoryPool> pools;
  // Empty for fixed budgets: rebudget() leaves them alone.
  private final Map<String, Double> shares;
  private final double fraction;

  private MemoryPools(Map<String, MemoryPool> pools, Map<String, Double> shares, double fraction) {
    this.pools = pools;
    this.shares = shares;
    this.fraction = fraction;
  }

  /**
   * @param budgets each pool's budget in bytes
   * @return pools with fixed budgets ({@link #rebudget} leaves them unchanged)
   */
  public static MemoryPools of(Map<String, Long> budgets) {
    Objects.requireNonNull(budgets, "budgets");
    if (budgets.isEmpty()) {
      throw new IllegalArgumentException("memory pool budgets are empty");
    }
    Map<String, MemoryPool> pools = new LinkedHashMap<>();
    for (var e : budgets.entrySet()) {
      pools.put(e.getKey(), new MemoryPool(e.getKey(), e.getValue()));
    }
    return new MemoryPools(pools, Map.of(), 1.0);
  }

  /**
   * @param status the device
   * @param fraction share of the available memory the pools may use, in (0, 1]
   * @param shares each pool's share of that, &gt; 0 (normalised)
   * @return the pools
   */
  public static MemoryPools fromDevice(
      DeviceStatus status, double fraction, Map<String, Double> shares) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("pool fraction must be in (0, 1], got " + fraction);
    }
    Objects.requireNonNull(shares, "shares");
    if (shares.isEmpty()) {
      throw new IllegalArgumentException("memory pool shares are empty");
    }
    double sum = 0;
    for (var e : shares.entrySet()) {
      if (!(e.getValue() > 0) || Double.isInfinite(e.getValue())) {
        throw new IllegalArgumentException(
            "pool '" + e.getKey() + "' share must be finite and > 0, got " + e.getValue());
      }
      sum += e.getValue();
    }
    Map<String, Double> norm = new LinkedHashMap<>();
    Map<String, MemoryPool> pools = new LinkedHashMap<>();
    for (var e : shares.entrySet()) {
      norm.put(e.getKey(), e.getValue() / sum);
      pools.put(e.getKey(), new MemoryPool(e.getKey(), 0));
    }
    MemoryPools p = new MemoryPools(pools, norm, fraction);
    p.rebudget(status);
    return p;
  }

  /**
   * @param status the device
   * @return the seed's three pools over a quarter of the available memory
   */
  public static MemoryPools ofDefaults(DeviceStatus status) {
    Map<String, Double> shares = new LinkedHashMap<>();
    shares.put(KV_CACHE, 0.50);
    shares.put(ACTIVATIONS, 0.35);
    shares.put(UNIFORMS, 0.15);
    return fromDevice(status, 0.25, shares);
  }

  /**
   * Re-derives every budget from a new device reading (leases in use are kept); a no-op for pools
   * made with fixed budgets.
   *
   * @param status the device
   */
  public void rebudget(DeviceStatus status) {
    if (shares.isEmpty()) {
      return;
    }
    long total = (long) (status.memory().availableBytes() * fraction);
    for (var e : pools.entrySet()) {
      e.getValue()
          .resize(
              (long) (total * Objects.requireNonNull(shares.get(e.getKey()), "a pool's share")));
    }
  }

  /**
   * @param name a pool's name
   * @return the pool
   * @throws IllegalArgumentException naming the known pools if there is none by that name
   */
  public MemoryPool pool(String name) {
    MemoryPool p = pools.get(name);
    if (p == null) {
      throw new IllegalArgumentException(
          "unknown memory pool '" + name + "' (known: " + String.join(", ", pools.keySet()) + ")");
    }
    return p;
  }

  /**
   * @param pool the pool's name
   * @param bytes how many bytes
   * @param timeout the longest wait
   * @return the lease
   * @throws MemoryExhaustedException when the bytes did not free up in time
   * @throws InterruptedException if interrupted while waiting
   */
  public MemoryPool.Lease acquire(String pool, long bytes, Duration timeout)
      throws InterruptedException {
    return pool(pool).acquire(bytes, timeout);
  }

  /**
   * @return the pools, in declaration order
   */
  public List<MemoryPool> all() {
    return List.copyOf(pools.values());
  }

  /**
   * @return bytes in use over all pools
   */
  public long usedBytes() {
    long s = 0;
    for (MemoryPool p : pools.values()) {
      s += p.usedBytes();
    }
    return s;
  }
}
