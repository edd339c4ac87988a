package io.himoe.learning.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.learning.HashingEncoder;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.nn.Mlp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteFitterTest {

  private final HashingEncoder encoder = new HashingEncoder(256);

  @Test
  void fitsRoutesAndRejectsOutOfScope() {
    List<LabelledText> train = SyntheticIntents.generate(40, 20, 1);
    List<LabelledText> val = SyntheticIntents.generate(15, 15, 2);
    List<Double> losses = new ArrayList<>();
    FittedRoutes routes =
        RouteFitter.of(encoder, FitOptions.ofDefaults())
            .fit(train, val, Optional.of("oos"), (e, n, loss) -> losses.add(loss));

    assertThat(routes.labels()).containsExactly("billing", "music", "travel", "weather");
    assertThat(losses).hasSize(FitOptions.ofDefaults().epochs());
    assertThat(losses.getLast()).isLessThan(losses.getFirst());
    assertThat(routes.threshold()).isBetween(0.0, 1.0);

    List<LabelledText> test = SyntheticIntents.generate(20, 20, 3);
    int inScope = 0;
    int inRight = 0;
    int oos = 0;
    int oosRejected = 0;
    for (LabelledText t : test) {
      RouteGuess g = routes.classify(t.text());
      assertThat(g.probabilities()).hasSize(4);
      if (t.label().equals("oos")) {
        oos++;
        oosRejected += g.rejected() ? 1 : 0;
      } else {
        inScope++;
        inRight += g.label().equals(Optional.of(t.label())) ? 1 : 0;
      }
    }
    assertThat((double) inRight / inScope).isGreaterThan(0.9);
    assertThat((double) oosRejected / oos).isGreaterThan(0.8);
  }

  @Test
  void sameSeedSameGate() {
    List<LabelledText> train = SyntheticIntents.generate(10, 0, 5);
    FitOptions opt = FitOptions.ofDefaults().withEpochs(3).withHidden(8);
    FittedRoutes a =
        RouteFitter.of(encoder, opt).fit(train, List.of(), Optional.empty(), FitProgress.none());
    FittedRoutes b =
        RouteFitter.of(encoder, opt).fit(train, List.of(), Optional.empty(), FitProgress.none());
    FittedRoutes c =
        RouteFitter.of(encoder, opt.withSeed(7))
            .fit(train, List.of(), Optional.empty(), FitProgress.none());
    assertThat(a.threshold()).isZero();
    assertThat(RouteFitter.network(a)).isEqualTo(RouteFitter.network(b));
    assertThat(RouteFitter.network(a)).isNotEqualTo(RouteFitter.network(c));
    assertThat(a.classify("play the song")).isEqualTo(b.classify("play the song"));
  }

  @Test
  void hiddenLayerGateLearnsToo() {
    List<LabelledText> train = SyntheticIntents.generate(30, 0, 11);
    FittedRoutes r =
        RouteFitter.of(encoder, FitOptions.ofDefaults().withHidden(16))
            .fit(train, List.of(), Optional.empty(), FitProgress.none());
    assertThat(r.classify("book a flight and a hotel for my trip").label()).contains("travel");
    assertThat(r.classify("refund the charge on my card").label()).contains("billing");
  }

  @Test
  void mlpHeadWithDropoutSmoothingAndTemperatureLearnsAndKeepsItsArgmax() {
    List<LabelledText> train = SyntheticIntents.generate(30, 20, 11);
    List<LabelledText> val = SyntheticIntents.generate(15, 15, 12);
    FitOptions opt =
        FitOptions.ofDefaults().withHidden(32).withDropout(0.3).withLabelSmoothing(0.1);
    FittedRoutes plain =
        RouteFitter.of(encoder, opt).fit(train, val, Optional.of("oos"), FitProgress.none());
    FittedRoutes scaled =
        RouteFitter.of(encoder, opt.withTemperature(true))
            .fit(train, val, Optional.of("oos"), FitProgress.none());
    // Temperature only rescales the output layer: every argmax stays, confidences move.
    Mlp a = RouteFitter.network(plain);
    Mlp b = RouteFitter.network(scaled);
    assertThat(a).isNotEqualTo(b);
    int moved = 0;
    for (LabelledText t : SyntheticIntents.generate(10, 10, 13)) {
      RouteGuess p = plain.classify(t.text());
      RouteGuess s = scaled.classify(t.text());
      assertThat(s.topLabel()).isEqualTo(p.topLabel());
      moved += Math.abs(s.confidence() - p.confidence()) > 1e-6 ? 1 : 0;
    }
    assertThat(moved).isPositive();
    assertThat(scaled.classify("book a flight and a hotel for my trip").label()).contains("travel");
    assertThatThrownBy(() -> FitOptions.ofDefaults().withDropout(1))
        .hasMessageContaining("dropout");
    assertThatThrownBy(() -> FitOptions.ofDefaults().withLabelSmoothing(-0.1))
        .hasMessageContaining("label smoothing");
  }

  @Test
  void clearErrors() {
    RouteFitter f = RouteFitter.of(encoder, FitOptions.ofDefaults().withEpochs(1));
    assertThatThrownBy(
            () ->
                f.fit(
                    List.of(new LabelledText("hello", "oos")),
                    List.of(),
                    Optional.of("oos"),
                    FitProgress.none()))
        .hasMessageContaining("no in-scope row");
    assertThatThrownBy(
            () ->
                f.fit(
                    List.of(new LabelledText("hello", "a")),
                    List.of(new LabelledText("bye", "b")),
                    Optional.empty(),
                    FitProgress.none()))
        .hasMessageContaining("validation row 0")
        .hasMessageContaining("'b'");
    assertThatThrownBy(() -> new LabelledText(" ", "a")).hasMessageContaining("text is empty");
    assertThatThrownBy(() -> FitOptions.ofDefaults().withEpochs(0)).hasMessageContaining("epochs");
  }
}
