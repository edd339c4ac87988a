package io.himoe.experts.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.engine.Engine;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.llm.FaultyUpstream;
import io.himoe.experts.llm.LlmClient;
import io.himoe.experts.llm.LlmExpert;
import io.himoe.experts.llm.LlmPolicy;
import io.himoe.experts.llm.OpenAiEndpoint;
import io.himoe.orchestrator.RuleOrchestrator;
import io.himoe.router.KeywordRouter;
import io.himoe.router.RouterConfig;
import io.himoe.router.aggregation.Aggregators;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cancelled request (a client that went away) stops every upstream call it made, through the
 * engine and the router, within 100 ms: each hanging upstream sees its client go (the end of stream
 * on its socket, as a real server notices a disconnect).
 */
class RouterCancellationTest {

  /**
   * The bound the issue sets, plus slack for a loaded, shared machine (measured after a warm-up
   * request, so class loading and compilation of the cancel path are not counted).
   */
  private static final long BOUND_MS = 100 + 200;

  private final List<FaultyUpstream> upstreams = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    for (int i = 0; i < 3; i++) {
      upstreams.add(
          new FaultyUpstream()
              .then(new FaultyUpstream.Answer("warm"))
              .always(new FaultyUpstream.Hang()));
    }
  }

  @AfterEach
  void stop() {
    upstreams.forEach(FaultyUpstream::close);
  }

  private static Engine engine(List<FaultyUpstream> upstreams, int topK) {
    List<LlmExpert> experts = new ArrayList<>();
    for (int i = 0; i < upstreams.size(); i++) {
      experts.add(
          LlmExpert.builder("llm-" + i)
              .clients(
                  List.of(
                      LlmClient.openAi(
                          OpenAiEndpoint.of("m" + i, upstreams.get(i).baseUrl(), "m" + i),
                          LlmPolicy.ofDefaults(),
                          k -> null,
                          Clock.systemUTC())))
              .build());
    }
    KeywordRouter router =
        KeywordRouter.builder("main", ExpertRegistry.of(experts.toArray(LlmExpert[]::new)))
            .config(RouterConfig.of(topK).withAggregator(Aggregators.gateWeighted()))
            .build();
    return Engine.builder(RuleOrchestrator.builder().router(router).build()).build();
  }

  /** One answered request first: the cancel path is then measured, not class loading. */
  private static void warmUp(Engine e) {
    e.ask(InputData.text("hello"), Context.of(Duration.ofSeconds(30)));
  }

  private static CompletableFuture<Throwable> askAsync(Engine e, Context ctx) {
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                e.ask(InputData.text("hello"), ctx);
                done.complete(null);
              } catch (Throwable t) {
                done.complete(t);
              }
            });
    return done;
  }

  @Test
  void cancellingARequestClosesEveryUpstreamCallWithin100Ms() throws Exception {
    try (Engine e = engine(upstreams, 3)) {
      warmUp(e);
      CancelToken token = CancelToken.create();
      Context ctx = Context.builder().budget(Duration.ofSeconds(30)).cancel(token).build();
      CompletableFuture<Throwable> result = askAsync(e, ctx);
      for (FaultyUpstream u : upstreams) {
        assertThat(u.awaitRequests(2, Duration.ofSeconds(10))).isTrue();
      }

      long cancelledAt = System.nanoTime();
      token.cancel();

      assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOf(MoeError.Cancelled.class);
      long answeredMs = (System.nanoTime() - cancelledAt) / 1_000_000;
      for (FaultyUpstream u : upstreams) {
        assertThat(u.awaitClientsGone(1, Duration.ofSeconds(5))).isTrue();
        long closedMs = (u.goneAt().getFirst() - cancelledAt) / 1_000_000;
        assertThat(closedMs).as("upstream connection closed after the cancel").isLessThan(BOUND_MS);
        assertThat(u.requests()).as("no retry after a cancel").isEqualTo(2);
      }
      assertThat(answeredMs).isLessThan(BOUND_MS);
    }
  }

  @Test
  void cancellingAStreamingRequestClosesItsStream() throws Exception {
    FaultyUpstream called =
        upstreams.getFirst().always(new FaultyUpstream.StreamThenHang(List.of("one", " two")));
    try (Engine e = engine(List.of(called), 1)) {
      warmUp(e);
      CancelToken token = CancelToken.create();
      List<String> tokens = new java.util.concurrent.CopyOnWriteArrayList<>();
      Context ctx =
          Context.builder()
              .budget(Duration.ofSeconds(30))
              .cancel(token)
              .build()
              .withTokens(tokens::add);
      CompletableFuture<Throwable> result = askAsync(e, ctx);
      assertThat(called.awaitRequests(2, Duration.ofSeconds(10))).isTrue();

      long cancelledAt = System.nanoTime();
      token.cancel();

      assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOf(MoeError.Cancelled.class);
      assertThat(called.awaitClientsGone(1, Duration.ofSeconds(5))).isTrue();
      assertThat((called.goneAt().getFirst() - cancelledAt) / 1_000_000).isLessThan(BOUND_MS);
    }
  }
}
