package io.himoe.learning;

import io.himoe.learning.fit.LabelledText;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates a small deterministic intent data set: each intent has its own vocabulary, utterances
 * mix a few intent words with shared filler; out-of-scope rows use words no intent owns.
 */
public final class SyntheticIntents {

  public static final List<String> INTENTS = List.of("weather", "billing", "music", "travel");

  private static final String[][] WORDS = {
    {"rain", "sunny", "forecast", "temperature", "cloudy", "snow", "wind"},
    {"invoice", "payment", "refund", "charge", "bill", "card", "balance"},
    {"song", "play", "album", "playlist", "artist", "volume", "track"},
    {"flight", "hotel", "trip", "booking", "airport", "passport", "luggage"}
  };
  private static final String[] FILLER = {"please", "can", "you", "me", "the", "my", "what", "is"};
  private static final String[] OOS = {
    "recipe", "pasta", "garden", "tomato", "poem", "chess", "knight", "paint", "wall", "dog"
  };

  private SyntheticIntents() {}

  /**
   * @param perIntent utterances per intent
   * @param oos out-of-scope utterances (label "oos")
   * @param seed seed
   * @return the rows
   */
  public static List<LabelledText> generate(int perIntent, int oos, long seed) {
    Random rnd = new Random(seed);
    List<LabelledText> out = new ArrayList<>();
    for (int k = 0; k < INTENTS.size(); k++) {
      for (int i = 0; i < perIntent; i++) {
        out.add(new LabelledText(sentence(WORDS[k], rnd), INTENTS.get(k)));
      }
    }
    for (int i = 0; i < oos; i++) {
      out.add(new LabelledText(sentence(OOS, rnd), "oos"));
    }
    return out;
  }

  private static String sentence(String[] topic, Random rnd) {
    StringBuilder b = new StringBuilder();
    int n = 4 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      String[] from = rnd.nextDouble() < 0.5 ? topic : FILLER;
      b.append(from[rnd.nextInt(from.length)]).append(' ');
    }
    b.append(topic[rnd.nextInt(topic.length)]);
    return b.toString();
  }
}
