package io.himoe.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenDemandTest {

  @Test
  void demandAddsUpAndEachGrantTakesOne() {
    TokenDemand d = new TokenDemand(() -> {});
    d.request(2);
    assertThat(d.await(Long.MAX_VALUE)).isEqualTo(TokenDemand.Grant.GRANTED);
    assertThat(d.await(Long.MAX_VALUE)).isEqualTo(TokenDemand.Grant.GRANTED);
    assertThat(d.await(System.nanoTime())).isEqualTo(TokenDemand.Grant.TIMED_OUT);
    // Saturates at Long.MAX_VALUE: unbounded from then on.
    d.request(Long.MAX_VALUE);
    d.request(Long.MAX_VALUE);
    for (int i = 0; i < 1000; i++) {
      assertThat(d.await(System.nanoTime())).isEqualTo(TokenDemand.Grant.GRANTED);
    }
  }

  @Test
  void aBadRequestAndACancelStopTheProducerOnce() {
    AtomicInteger stops = new AtomicInteger();
    TokenDemand bad = new TokenDemand(stops::incrementAndGet);
    bad.request(0);
    assertThat(bad.await(Long.MAX_VALUE)).isEqualTo(TokenDemand.Grant.PROTOCOL_ERROR);
    assertThat(bad.protocolError()).hasMessageContaining("n > 0").hasMessageContaining("§3.9");
    bad.cancel();
    assertThat(stops.get()).isEqualTo(1);
  }

  @Test
  void aCancelWakesAProducerWaitingForDemand() throws Exception {
    TokenDemand d = new TokenDemand(() -> {});
    CompletableFuture<TokenDemand.Grant> waiting = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> waiting.complete(d.await(Long.MAX_VALUE)));
    d.cancel();
    assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(TokenDemand.Grant.CANCELLED);
    assertThat(d.cancelled()).isTrue();
  }
}
