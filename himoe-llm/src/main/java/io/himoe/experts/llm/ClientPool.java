package io.himoe.experts.llm;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The models of one expert and how many of them are in use: the first {@link #instances()} clients
 * take calls, each to the least loaded one. Scaling up puts the next configured client in use;
 * releasing takes the last one out once it is idle. Lock-free.
 */
final class ClientPool {

  private final List<LlmClient> clients;
  private final int minInstances;
  private final int maxInstances;
  private final InstantSource clock;
  private final AtomicInteger active;

  ClientPool(List<LlmClient> clients, int min, int max, InstantSource clock) {
    this.clients = List.copyOf(clients);
    this.maxInstances = Math.min(max == 0 ? clients.size() : max, clients.size());
    this.minInstances = Math.min(min, maxInstances);
    this.clock = clock;
    this.active = new AtomicInteger(maxInstances);
  }

  List<LlmClient> clients() {
    return clients;
  }

  int instances() {
    return active.get();
  }

  int maxInstances() {
    return maxInstances;
  }

  int load() {
    int n = active.get();
    int sum = 0;
    for (int i = 0; i < n; i++) {
      sum += clients.get(i).inFlight();
    }
    return sum;
  }

  boolean add() {
    while (true) {
      int n = active.get();
      if (n >= maxInstances) {
        return false;
      }
      if (active.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  boolean releaseIdle(Duration idleFor) {
    int n = active.get();
    if (n <= minInstances) {
      return false;
    }
    LlmClient last = clients.get(n - 1);
    boolean idle = last.inFlight() == 0 && !last.lastUsed().plus(idleFor).isAfter(clock.instant());
    // Calls already on the released client finish normally; new calls no longer pick it.
    return idle && active.compareAndSet(n, n - 1);
  }

  /**
   * Picks the least loaded client in use whose circuit lets calls through, preferring clients that
   * have not failed earlier in this call (ties go to the earlier client), and starts a call on it.
   * Atomic, so that concurrent calls spread over the clients instead of all seeing the same least
   * loaded one. When every circuit is open, the first client is chosen and its breaker refuses.
   *
   * @throws LlmException of kind {@code CIRCUIT_OPEN} when the chosen client's circuit refuses
   */
  synchronized LlmClient acquire(Set<LlmClient> failed) {
    LlmClient client = choose(failed);
    if (!client.breaker().tryAcquirePermission()) {
      failed.add(client);
      throw new LlmException(
          LlmException.Kind.CIRCUIT_OPEN,
          client.name(),
          "circuit open after repeated failures",
          null);
    }
    client.enter();
    return client;
  }

  /**
   * @param failed clients that failed earlier in this call
   * @return the client {@link #acquire} would choose now, or {@code null} when every circuit in use
   *     refuses calls; starts no call
   */
  synchronized @Nullable LlmClient peek(Set<LlmClient> failed) {
    int n = active.get();
    @Nullable LlmClient best = null;
    for (int i = 0; i < n; i++) {
      LlmClient c = clients.get(i);
      if (c.available() && better(c, best, failed)) {
        best = c;
      }
    }
    return best;
  }

  /**
   * @param failed clients that failed earlier in this call
   * @param except the client about to be called
   * @return another client in use that has not failed in this call and whose circuit lets calls
   *     through, or {@code null}
   */
  @Nullable LlmClient alternative(Set<LlmClient> failed, LlmClient except) {
    int n = active.get();
    for (int i = 0; i < n; i++) {
      LlmClient c = clients.get(i);
      if (c != except && !failed.contains(c) && c.available()) {
        return c;
      }
    }
    return null;
  }

  private LlmClient choose(Set<LlmClient> failed) {
    LlmClient best = peek(failed);
    return best != null ? best : clients.getFirst();
  }

  private static boolean better(LlmClient c, @Nullable LlmClient best, Set<LlmClient> failed) {
    if (best == null) {
      return true;
    }
    boolean cFailed = failed.contains(c);
    if (cFailed != failed.contains(best)) {
      return !cFailed;
    }
    return c.inFlight() < best.inFlight();
  }
}
