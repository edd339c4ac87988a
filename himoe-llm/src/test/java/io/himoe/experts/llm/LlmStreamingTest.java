package io.himoe.experts.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.ExpertOut;
import io.himoe.experts.llm.OpenAiTestServer.BrokenStream;
import io.himoe.experts.llm.OpenAiTestServer.Hang;
import io.himoe.experts.llm.OpenAiTestServer.Ok;
import io.himoe.experts.llm.OpenAiTestServer.Status;
import io.himoe.experts.llm.OpenAiTestServer.StreamThenHang;
import io.himoe.shared.CancelToken;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Value;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmStreamingTest {

  private static final LlmPolicy FAST =
      LlmPolicy.ofDefaults().withRetries(3, Duration.ofMillis(10));

  private OpenAiTestServer server;
  private LlmExpert expert;
  private final List<String> tokens = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new OpenAiTestServer();
    LlmClient c =
        LlmClient.openAi(
            OpenAiEndpoint.of("local", server.baseUrl(), "qwen").withPrice(ModelPrice.of(2, 4)),
            FAST,
            k -> null,
            Clock.systemUTC());
    expert = LlmExpert.builder("streamer").client(c).policy(FAST).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void streamsTokensInOrderAndCostsTheReportedUsage() throws Exception {
    server.then(new Ok("Le chat dort au soleil.", 200_000, 100_000, "stop"));

    ExpertOut out =
        expert.stream(
            InputData.text("Décris un chat"), Context.of(Duration.ofSeconds(5)), tokens::add);

    assertThat(tokens).containsExactly("Le ", "chat ", "dort ", "au ", "soleil.");
    assertThat(out.value()).isEqualTo(Value.text("Le chat dort au soleil."));
    // 0.2 M input tokens at 2 + 0.1 M output tokens at 4
    assertThat(out.aux().costUnits()).isEqualTo(0.8, Offset.offset(1e-9));
    assertThat(server.requests().getFirst().path("stream").asBoolean()).isTrue();
  }

  @Test
  void retriesAFailureBeforeTheFirstToken() {
    server.then(new Status(502, "bad gateway"), new Ok("two words", 3, 2, "stop"));

    LlmAnswer a =
        expert.streamAnswer(InputData.text("hi"), Context.of(Duration.ofSeconds(5)), tokens::add);

    assertThat(a.text()).isEqualTo("two words");
    assertThat(a.attempts()).isEqualTo(2);
    assertThat(tokens).containsExactly("two ", "words");
  }

  @Test
  void aFailureAfterTheFirstTokenIsReportedAndNotRetried() {
    server.always(new BrokenStream(List.of("Once ", "upon ")));

    assertThatThrownBy(
            () ->
                expert.streamAnswer(
                    InputData.text("tell a story"), Context.of(Duration.ofSeconds(5)), tokens::add))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.STREAM_BROKEN))
        .hasMessageContaining("after 2 tokens");
    assertThat(tokens).containsExactly("Once ", "upon ");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void aStreamThatStopsWithoutAFinishReasonIsBroken() {
    server.always(new OpenAiTestServer.StreamThenEnd(List.of("cut ", "short")));

    assertThatThrownBy(
            () ->
                expert.streamAnswer(
                    InputData.text("hi"), Context.of(Duration.ofSeconds(5)), tokens::add))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.STREAM_BROKEN))
        .hasMessageContaining("without a finish reason");
    assertThat(tokens).containsExactly("cut ", "short");
  }

  @Test
  void aListenerThatThrowsStopsTheStreamWithoutRetry() {
    server.always(new StreamThenHang(List.of("a ", "b ")));

    assertThatThrownBy(
            () ->
                expert.streamAnswer(
                    InputData.text("hi"),
                    Context.of(Duration.ofSeconds(5)),
                    t -> {
                      throw new IllegalStateException("client went away");
                    }))
        .hasMessageContaining("the token listener failed")
        .hasRootCauseMessage("client went away");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void theDeadlineAbortsAStreamThatHasNotStarted() throws Exception {
    server.always(new Hang());

    assertThatThrownBy(
            () ->
                expert.streamAnswer(
                    InputData.text("hi"), Context.of(Duration.ofMillis(300)), tokens::add))
        .isInstanceOf(MoeError.DeadlineExceeded.class);
    assertThat(server.awaitClientClosed(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void cancellingMidStreamClosesTheConnection() throws Exception {
    server.always(new StreamThenHang(List.of("a ", "b ")));
    CancelToken token = CancelToken.create();
    Context c = Context.builder().budget(Duration.ofSeconds(30)).cancel(token).build();
    CompletableFuture<Throwable> result = streamOnVirtualThreadUntilTwoTokens(c).result();
    token.cancel();

    assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOf(MoeError.Cancelled.class);
    assertThat(server.awaitClientClosed(Duration.ofSeconds(5))).isTrue();
    assertThat(tokens).containsExactly("a ", "b ");
  }

  @Test
  void aClientWithoutStreamingModelIsABadRequest() {
    LlmClient blockingOnly =
        LlmClient.of(
            "blocking",
            dev.langchain4j.model.openai.OpenAiChatModel.builder()
                .baseUrl(server.baseUrl())
                .modelName("m")
                .build(),
            null,
            ModelPrice.free());
    LlmExpert e = LlmExpert.builder("b").client(blockingOnly).build();

    assertThatThrownBy(
            () ->
                e.streamAnswer(
                    InputData.text("hi"), Context.of(Duration.ofSeconds(5)), tokens::add))
        .isInstanceOf(LlmException.class)
        .hasMessageContaining("no streaming model");
    assertThat(server.requestCount()).isZero();
  }

  // The server calls experts on virtual threads, where the stream is read on the calling thread
  // (no reader thread of its own): the same faults must end the call in the same way there.

  @Test
  void onAVirtualThreadTokensArriveOnTheCallingThreadBeforeTheCallReturns() throws Exception {
    server.then(new Ok("one two three", 5, 3, "stop"));
    List<Thread> seenOn = new CopyOnWriteArrayList<>();

    Thread[] caller = new Thread[1];
    LlmAnswer a =
        onVirtualThread(
            () -> {
              caller[0] = Thread.currentThread();
              return expert.streamAnswer(
                  InputData.text("hi"),
                  Context.of(Duration.ofSeconds(5)),
                  t -> {
                    seenOn.add(Thread.currentThread());
                    tokens.add(t);
                  });
            });

    assertThat(a.text()).isEqualTo("one two three");
    assertThat(tokens).containsExactly("one ", "two ", "three");
    assertThat(seenOn).containsOnly(caller[0]);
  }

  @Test
  void onAVirtualThreadAFailureAfterTheFirstTokenIsReportedAndNotRetried() {
    server.always(new BrokenStream(List.of("Once ", "upon ")));

    assertThatThrownBy(
            () ->
                onVirtualThread(
                    () ->
                        expert.streamAnswer(
                            InputData.text("tell a story"),
                            Context.of(Duration.ofSeconds(5)),
                            tokens::add)))
        .isInstanceOfSatisfying(
            LlmException.class,
            e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.STREAM_BROKEN))
        .hasMessageContaining("after 2 tokens");
    assertThat(tokens).containsExactly("Once ", "upon ");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void onAVirtualThreadTheDeadlineAbortsAStreamThatHangsAfterItsFirstTokens() throws Exception {
    server.always(new StreamThenHang(List.of("a ", "b ")));

    assertThatThrownBy(
            () ->
                onVirtualThread(
                    () ->
                        expert.streamAnswer(
                            InputData.text("hi"), Context.of(Duration.ofMillis(500)), tokens::add)))
        .isInstanceOf(MoeError.DeadlineExceeded.class);
    assertThat(server.awaitClientClosed(Duration.ofSeconds(5))).isTrue();
    assertThat(tokens).containsExactly("a ", "b ");
  }

  @Test
  void interruptingTheVirtualThreadThatStreamsClosesTheConnectionAndCancelsTheCall()
      throws Exception {
    server.always(new StreamThenHang(List.of("a ", "b ")));
    StreamOnVirtualThread call =
        streamOnVirtualThreadUntilTwoTokens(Context.of(Duration.ofSeconds(30)));
    Thread t = call.thread();
    CompletableFuture<Throwable> result = call.result();
    t.interrupt();

    assertThat(result.get(5, TimeUnit.SECONDS))
        .isInstanceOf(MoeError.Cancelled.class)
        .hasMessageContaining("interrupted");
    assertThat(server.awaitClientClosed(Duration.ofSeconds(5))).isTrue();
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void onAVirtualThreadAStreamWaitsForItsNextTokenWithoutASocketTimeout() throws Exception {
    // The call's guard cancels it at the deadline; a timed socket read would also schedule (and
    // cancel) a task on the virtual-thread scheduler's timer at every wait for a token.
    server.always(new StreamThenHang(List.of("a ", "b ")));
    StreamOnVirtualThread call =
        streamOnVirtualThreadUntilTwoTokens(Context.of(Duration.ofSeconds(30)));
    Thread t = call.thread();
    CompletableFuture<Throwable> result = call.result();
    Thread.State waiting = t.getState();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (waiting == Thread.State.RUNNABLE && System.nanoTime() < until) {
      Thread.onSpinWait();
      waiting = t.getState();
    }

    assertThat(waiting).isEqualTo(Thread.State.WAITING);
    t.interrupt();
    assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOf(MoeError.Cancelled.class);
  }

  private static <T> T onVirtualThread(java.util.concurrent.Callable<T> call) throws Exception {
    CompletableFuture<T> out = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                out.complete(call.call());
              } catch (Throwable e) {
                out.completeExceptionally(e);
              }
            });
    try {
      return out.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  /** A stream started on a virtual thread: the thread, and how its call ended (null: answered). */
  private record StreamOnVirtualThread(Thread thread, CompletableFuture<Throwable> result) {}

  /** Starts a stream on a virtual thread and returns once its first two tokens arrived. */
  private StreamOnVirtualThread streamOnVirtualThreadUntilTwoTokens(Context context)
      throws Exception {
    CompletableFuture<Throwable> result = new CompletableFuture<>();
    CompletableFuture<Void> gotTwo = new CompletableFuture<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    expert.streamAnswer(
                        InputData.text("hi"),
                        context,
                        tok -> {
                          tokens.add(tok);
                          if (tokens.size() == 2) {
                            gotTwo.complete(null);
                          }
                        });
                    result.complete(null);
                  } catch (Throwable e) {
                    result.complete(e);
                  }
                });
    gotTwo.get(5, TimeUnit.SECONDS);
    return new StreamOnVirtualThread(t, result);
  }
}
