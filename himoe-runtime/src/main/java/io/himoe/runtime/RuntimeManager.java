package io.himoe.runtime;

import io.himoe.runtime.complexity.Complexity;
import io.himoe.runtime.complexity.ComplexityAssessor;
import io.himoe.runtime.device.DeviceProbe;
import io.himoe.runtime.device.DeviceStatus;
import io.himoe.runtime.memory.MemoryPools;
import io.himoe.runtime.mode.ModeChange;
import io.himoe.runtime.mode.ModeDecision;
import io.himoe.runtime.mode.ModeListener;
import io.himoe.runtime.mode.ModeMatrix;
import io.himoe.runtime.mode.ModeTracker;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.runtime.mode.PerformanceProfile;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's RuntimeManager: decides a {@link PerformanceMode} per request from its complexity and
 * the device status, keeps the current mode (tracked and announced on change), and hands out each
 * mode's {@link PerformanceProfile}. Thread-safe.
 *
 * <pre>{@code
 * RuntimeManager rt = RuntimeManager.builder().build();   // rules + this machine's probes
 * RuntimeDecision d = rt.decide("Debug this function step by step");
 * d.mode();      // e.g. PERFORMANCE
 * d.profile();   // its concurrency, token budget, tier, cache, top-k
 * }</pre>
 */
public final class RuntimeManager {

  private static final Logger LOG = LoggerFactory.getLogger(RuntimeManager.class);

  private final ComplexityAssessor assessor;
  private final DeviceProbe probe;
  private final ModeMatrix matrix;
  private final PerformanceProfile[] profiles;
  private final ModeTracker tracker;
  private final InstantSource clock;
  private final Optional<MemoryPools> pools;
  // The reading the pools were last budgeted from, to rebudget once per fresh reading.
  private volatile @Nullable Instant budgetedAt;

  private RuntimeManager(Builder b) {
    this.assessor = b.assessor;
    this.clock = b.clock;
    this.probe = b.probe != null ? b.probe : DeviceProbe.linux().cached(b.probeMaxAge, b.clock);
    this.matrix = b.matrix;
    this.profiles = new PerformanceProfile[PerformanceMode.values().length];
    for (PerformanceMode m : PerformanceMode.values()) {
      profiles[m.ordinal()] = Objects.requireNonNull(b.profiles.get(m), "every mode has a profile");
    }
    this.tracker = new ModeTracker(b.initialMode, b.clock, b.historySize);
    this.pools = Optional.ofNullable(b.pools);
  }

  /**
   * @return a builder: rule complexity, this machine's probes cached 250 ms, the seed's matrix and
   *     profiles, system clock, initial mode BALANCED
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Assesses a request, reads the device and chooses its mode; the current mode becomes that mode
   * (a change is tracked with the decision as its reason).
   *
   * @param prompt the request text
   * @return the decision
   */
  public RuntimeDecision decide(String prompt) {
    Complexity c = assessor.assess(prompt);
    return decide(c, "request");
  }

  /**
   * Re-reads the device for a request already decided (mid-stream, every N tokens) and chooses its
   * mode again; the complexity is kept.
   *
   * @param previous the request's current decision
   * @return the new decision (the same mode when nothing changed)
   */
  public RuntimeDecision reassess(RuntimeDecision previous) {
    return decide(previous.complexity(), "dynamic adjustment");
  }

  private RuntimeDecision decide(Complexity c, String cause) {
    DeviceStatus status = probe.read();
    if (pools.isPresent() && !status.readAt().equals(budgetedAt)) {
      budgetedAt = status.readAt();
      pools.get().rebudget(status);
    }
    ModeDecision md = matrix.decide(c.level(), status);
    RuntimeDecision d = new RuntimeDecision(c, status, md, profiles[md.mode().ordinal()]);
    if (tracker.current() != md.mode()) {
      ModeChange change = tracker.switchTo(md.mode(), cause + ": " + md.describe());
      if (change != null) {
        LOG.info("mode {} -> {} ({})", change.from(), change.to(), change.reason());
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("runtime decision: {}", d.describe());
    }
    return d;
  }

  /**
   * Sets the mode by hand (an operator, a test, a platform event).
   *
   * @param mode the mode
   * @param reason why, recorded with the change
   * @return the change, or {@code null} when already in that mode
   */
  public @Nullable ModeChange switchTo(PerformanceMode mode, String reason) {
    return tracker.switchTo(mode, reason);
  }

  /**
   * @return the current mode
   */
  public PerformanceMode currentMode() {
    return tracker.current();
  }

  /**
   * @param mode a mode
   * @return its profile
   */
  public PerformanceProfile profile(PerformanceMode mode) {
    return profiles[mode.ordinal()];
  }

  /**
   * @return the current mode's profile
   */
  public PerformanceProfile currentProfile() {
    return profile(currentMode());
  }

  /**
   * @param listener told of every mode change
   * @return a handle that removes it when run
   */
  public Runnable onModeChange(ModeListener listener) {
    return tracker.onModeChange(listener);
  }

  /**
   * @return mode listeners registered now
   */
  public int modeListenerCount() {
    return tracker.listenerCount();
  }

  /**
   * @return recent mode changes, oldest first
   */
  public List<ModeChange> modeHistory() {
    return tracker.history();
  }

  /**
   * @return the device probe decisions read
   */
  public DeviceProbe probe() {
    return probe;
  }

  /**
   * @return the memory pools this runtime rebudgets on every fresh device reading, if any
   */
  public Optional<MemoryPools> pools() {
    return pools;
  }

  /**
   * @return the clock changes are stamped with
   */
  public InstantSource clock() {
    return clock;
  }

  /** Builds a {@link RuntimeManager}. */
  public static final class Builder {
    private ComplexityAssessor assessor = ComplexityAssessor.ofDefaults();
    private @Nullable DeviceProbe probe;
    private Duration probeMaxAge = Duration.ofMillis(250);
    private ModeMatrix matrix = ModeMatrix.ofDefaults();
    private final Map<PerformanceMode, PerformanceProfile> profiles =
        new EnumMap<>(PerformanceMode.class);
    private InstantSource clock = InstantSource.system();
    private PerformanceMode initialMode = PerformanceMode.BALANCED;
    private int historySize = 100;
    private @Nullable MemoryPools pools;

    private Builder() {
      for (PerformanceMode m : PerformanceMode.values()) {
        profiles.put(m, PerformanceProfile.ofDefaults(m));
      }
    }

    /**
     * @param a the complexity assessor (rule-based or learned)
     * @return this builder
     */
    public Builder assessor(ComplexityAssessor a) {
      this.assessor = Objects.requireNonNull(a, "assessor");
      return this;
    }

    /**
     * @param p the device probe, used as given (wrap it with {@link DeviceProbe#cached} to bound
     *     reads)
     * @return this builder
     */
    public Builder probe(DeviceProbe p) {
      this.probe = Objects.requireNonNull(p, "probe");
      return this;
    }

    /**
     * @param maxAge how long the default probe's readings are reused
     * @return this builder
     */
    public Builder probeMaxAge(Duration maxAge) {
      this.probeMaxAge = Objects.requireNonNull(maxAge, "probeMaxAge");
      return this;
    }

    /**
     * @param m the decision matrix
     * @return this builder
     */
    public Builder matrix(ModeMatrix m) {
      this.matrix = Objects.requireNonNull(m, "matrix");
      return this;
    }

    /**
     * @param mode a mode
     * @param profile its profile
     * @return this builder
     */
    public Builder profile(PerformanceMode mode, PerformanceProfile profile) {
      profiles.put(
          Objects.requireNonNull(mode, "mode"), Objects.requireNonNull(profile, "profile"));
      return this;
    }

    /**
     * @param c the clock
     * @return this builder
     */
    public Builder clock(InstantSource c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * @param mode the mode before the first decision
     * @return this builder
     */
    public Builder initialMode(PerformanceMode mode) {
      this.initialMode = Objects.requireNonNull(mode, "initialMode");
      return this;
    }

    /**
     * @param n mode changes kept, &gt;= 1
     * @return this builder
     */
    public Builder historySize(int n) {
      this.historySize = n;
      return this;
    }

    /**
     * @param p memory pools whose budgets follow the device: rebudgeted whenever a decision reads a
     *     fresh device status
     * @return this builder
     */
    public Builder pools(MemoryPools p) {
      this.pools = Objects.requireNonNull(p, "pools");
      return this;
    }

    /**
     * @return the manager
     */
    public RuntimeManager build() {
      return new RuntimeManager(this);
    }
  }
}
