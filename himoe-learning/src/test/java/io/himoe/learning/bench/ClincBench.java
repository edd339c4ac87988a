package io.himoe.learning.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.learning.fit.FitOptions;
import io.himoe.learning.fit.FittedRoutes;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.fit.RouteFitter;
import io.himoe.learning.fit.RouteGuess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Evidence 1 of issue 3 (not a unit test; run by hand): fits the gate on CLINC150 {@code
 * train.jsonl} (80%, the other 20% calibrates the out-of-scope threshold) and measures in-scope
 * accuracy and out-of-scope recall on {@code val.jsonl}.
 *
 * <p>Args: {@code DATA_DIR [hash:DIM|minilm] [hidden] [epochs]}.
 */
public final class ClincBench {

  private ClincBench() {}

  static List<LabelledText> read(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<LabelledText> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        JsonNode n = json.readTree(line);
        out.add(new LabelledText(n.get("text").asText(), n.get("intent").asText()));
      }
    }
    return out;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    String encSpec = args.length > 1 ? args[1] : "hash:8192";
    int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 12;
    List<LabelledText> all = new ArrayList<>(read(dir.resolve("train.jsonl")));
    java.util.Collections.shuffle(all, new Random(1));
    int cut = all.size() * 4 / 5;
    List<LabelledText> train = all.subList(0, cut);
    List<LabelledText> calib = all.subList(cut, all.size());
    List<LabelledText> val = read(dir.resolve("val.jsonl"));
    long t0 = System.nanoTime();
    FittedRoutes routes =
        RouteFitter.of(
                BenchEncoders.parse(encSpec),
                FitOptions.ofDefaults().withHidden(hidden).withEpochs(epochs))
            .fit(
                train,
                calib,
                Optional.of("oos"),
                (e, n, loss) -> System.err.printf("epoch %d/%d loss %.4f%n", e, n, loss));
    double fitS = (System.nanoTime() - t0) / 1e9;
    int in = 0;
    int inRight = 0;
    int oos = 0;
    int oosRejected = 0;
    int topRight = 0;
    double[] conf = new double[val.size()];
    boolean[] right = new boolean[val.size()];
    boolean[] isOos = new boolean[val.size()];
    long t1 = System.nanoTime();
    for (int i = 0; i < val.size(); i++) {
      LabelledText t = val.get(i);
      RouteGuess g = routes.classify(t.text());
      conf[i] = g.confidence();
      isOos[i] = t.label().equals("oos");
      right[i] = !isOos[i] && g.topLabel().equals(t.label());
      if (t.label().equals("oos")) {
        oos++;
        oosRejected += g.rejected() ? 1 : 0;
      } else {
        in++;
        inRight += g.label().equals(Optional.of(t.label())) ? 1 : 0;
        topRight += g.topLabel().equals(t.label()) ? 1 : 0;
      }
    }
    double perQueryUs = (System.nanoTime() - t1) / 1e3 / val.size();
    System.out.printf(
        "CLINC150 val: encoder %s, hidden %d, epochs %d, train %d, calib %d, threshold %.3f%n"
            + "  in-scope accuracy %.1f%% (top-1 without rejection %.1f%%), oos recall %.1f%%%n"
            + "  fit %.1f s, classify %.0f us/query%n",
        encSpec,
        hidden,
        epochs,
        train.size(),
        calib.size(),
        routes.threshold(),
        100.0 * inRight / in,
        100.0 * topRight / in,
        100.0 * oosRejected / oos,
        fitS,
        perQueryUs);
    // Optimistic reading, as when a threshold is tuned on the evaluation split itself: the best
    // threshold on val, and the in-scope accuracy / oos recall it gives.
    double bestT = 0;
    int bestCorrect = -1;
    for (double t : conf) {
      int c = 0;
      for (int i = 0; i < conf.length; i++) {
        boolean accept = conf[i] >= t;
        c += isOos[i] ? (accept ? 0 : 1) : (accept && right[i] ? 1 : 0);
      }
      if (c > bestCorrect) {
        bestCorrect = c;
        bestT = t;
      }
    }
    int ir = 0;
    int orj = 0;
    for (int i = 0; i < conf.length; i++) {
      if (isOos[i]) {
        orj += conf[i] < bestT ? 1 : 0;
      } else {
        ir += conf[i] >= bestT && right[i] ? 1 : 0;
      }
    }
    System.out.printf(
        "  threshold tuned on val itself (optimistic) %.3f: in-scope accuracy %.1f%%, oos recall %.1f%%%n",
        bestT, 100.0 * ir / in, 100.0 * orj / oos);
  }
}
