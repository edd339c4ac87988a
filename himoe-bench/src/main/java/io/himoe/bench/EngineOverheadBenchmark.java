package io.himoe.bench;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.engine.RoutePreview;
import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.ExpertRegistry;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Engine overhead per request with no-op experts, against the floor: a bare virtual-thread fan-out
 * of the same k no-op tasks with a deadline ({@code invokeAll} with a timeout).
 *
 * <p>Run: {@code java -jar himoe-bench/target/himoe-benchmarks.jar EngineOverhead}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class EngineOverheadBenchmark {

  /** Number of registered experts. */
  @Param({"4", "16", "256"})
  public int n;

  /** Experts called per request. */
  @Param({"1", "2", "4"})
  public int k;

  private Engine engine;
  private ExecutorService bare;
  private List<Callable<ExpertOut>> tasks;
  private InputData input;
  // Built once: the no-op never reads it, so the floor does none of the engine's per-request work.
  private Context bareContext;

  /** A no-op expert: the cost measured is the engine's own. */
  static final class NoOp implements Expert {
    private final String name;
    private final ExpertOut out = ExpertOut.of(Value.text("ok"), 0, 0.5);

    NoOp(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ExpertOut infer(InputData input, Context ctx) {
      return out;
    }
  }

  /** Builds the engine and the bare fan-out. */
  @Setup(Level.Trial)
  public void setUp() {
    ExpertRegistry reg = ExpertRegistry.create();
    for (int i = 0; i < n; i++) {
      reg.register(new NoOp("expert-" + i));
    }
    KeywordRouter router = KeywordRouter.builder("main", reg).topK(k).build();
    engine = Engine.builder(RuleOrchestrator.builder().router(router).build()).build();
    input = InputData.text("route this request");
    bare = Executors.newVirtualThreadPerTaskExecutor();
    bareContext = Context.of(Duration.ofSeconds(1));
    tasks = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      NoOp e = new NoOp("bare-" + i);
      tasks.add(() -> e.infer(input, bareContext));
    }
  }

  /** Stops the executors. */
  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
    bare.shutdownNow();
  }

  /**
   * @return the engine's answer to one request
   */
  @Benchmark
  public Answer engine() {
    return engine.ask(input, Context.of(Duration.ofSeconds(1)));
  }

  /**
   * The decision alone (orchestrator, gate, policy, budgeted top-k), no expert called: the part of
   * the engine's time that is its own CPU work rather than thread hand-offs.
   *
   * @return the routing preview
   */
  @Benchmark
  public RoutePreview decisionOnly() {
    return engine.preview(input, Context.of(Duration.ofSeconds(1)));
  }

  /**
   * @return the last of the k no-op results of a bare fan-out with a deadline (null only if k = 0)
   * @throws Exception never in practice
   */
  @Benchmark
  public @Nullable Object bareFanOut() throws Exception {
    List<Future<ExpertOut>> fs = bare.invokeAll(tasks, 1, TimeUnit.SECONDS);
    Object last = null;
    for (Future<ExpertOut> f : fs) {
      last = f.get();
    }
    return last;
  }
}
