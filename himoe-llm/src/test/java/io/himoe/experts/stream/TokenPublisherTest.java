package io.himoe.experts.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.llm.LlmClient;
import io.himoe.experts.llm.LlmExpert;
import io.himoe.experts.llm.LlmPolicy;
import io.himoe.experts.llm.ModelPrice;
import io.himoe.experts.llm.OpenAiEndpoint;
import io.himoe.experts.llm.OpenAiTestServer;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenPublisherTest {

  private OpenAiTestServer server;
  private LlmExpert expert;

  @BeforeEach
  void start() throws Exception {
    server = new OpenAiTestServer();
    expert =
        LlmExpert.builder("pub")
            .client(
                LlmClient.openAi(
                    OpenAiEndpoint.of("m", server.baseUrl(), "m")
                        .withPrice(ModelPrice.of(1e6, 1e6)),
                    LlmPolicy.ofDefaults(),
                    k -> null,
                    Clock.systemUTC()))
            .build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Requests one token at a time; cancels after {@code cancelAfter} tokens when > 0. */
  static final class Collector implements Flow.Subscriber<String> {
    final List<String> tokens = new CopyOnWriteArrayList<>();
    final CompletableFuture<Throwable> end = new CompletableFuture<>();
    final int cancelAfter;
    Flow.Subscription s;

    Collector(int cancelAfter) {
      this.cancelAfter = cancelAfter;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      s = subscription;
      s.request(1);
    }

    @Override
    public void onNext(String item) {
      tokens.add(item);
      if (cancelAfter > 0 && tokens.size() == cancelAfter) {
        s.cancel();
        end.complete(null);
      } else {
        s.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      end.complete(t);
    }

    @Override
    public void onComplete() {
      end.complete(null);
    }
  }

  @Test
  void publishesEveryTokenOnDemandThenCompletesWithTheCost() throws Exception {
    server.always(new OpenAiTestServer.Ok("un deux trois", 2, 3, "stop"));
    TokenPublisher p =
        TokenPublisher.of(expert, InputData.text("compte"), Context.of(Duration.ofSeconds(5)));
    Collector c = new Collector(0);

    p.subscribe(c);

    assertThat(c.end.get(5, TimeUnit.SECONDS)).isNull();
    assertThat(c.tokens).containsExactly("un ", "deux ", "trois");
    assertThat(p.result().value()).isEqualTo(Value.text("un deux trois"));
    assertThat(p.result().aux().costUnits()).isEqualTo(5.0); // 2 + 3 tokens at 1 per token
  }

  @Test
  void cancellingTheSubscriptionClosesTheConnection() throws Exception {
    server.always(new OpenAiTestServer.StreamThenHang(List.of("a ", "b ", "c ")));
    Collector c = new Collector(1);

    TokenPublisher.of(expert, InputData.text("x"), Context.of(Duration.ofSeconds(30))).subscribe(c);

    // The mechanism, with bounds generous enough for a loaded machine: the subscriber's cancel
    // ends the call, and the upstream sees its connection closed (while writing the remaining
    // tokens or its heartbeat after them).
    c.end.get(10, TimeUnit.SECONDS);
    assertThat(server.awaitClientClosed(Duration.ofSeconds(10))).isTrue();
    assertThat(c.tokens).containsExactly("a ");
  }

  @Test
  void aFailureReachesTheSubscriber() throws Exception {
    server.always(new OpenAiTestServer.Status(400, "bad"));
    Collector c = new Collector(0);

    TokenPublisher.of(expert, InputData.text("x"), Context.of(Duration.ofSeconds(5))).subscribe(c);

    assertThat(c.end.get(5, TimeUnit.SECONDS)).hasMessageContaining("HTTP 400");
  }

  @Test
  void aSecondSubscriberIsRefused() throws Exception {
    server.always(new OpenAiTestServer.Ok("x", 1, 1, "stop"));
    TokenPublisher p =
        TokenPublisher.of(expert, InputData.text("x"), Context.of(Duration.ofSeconds(5)));
    Collector first = new Collector(0);
    Collector second = new Collector(0);
    p.subscribe(first);
    p.subscribe(second);

    assertThat(second.end.get(5, TimeUnit.SECONDS)).hasMessageContaining("single subscriber");
    assertThat(first.end.get(5, TimeUnit.SECONDS)).isNull();
  }
}
