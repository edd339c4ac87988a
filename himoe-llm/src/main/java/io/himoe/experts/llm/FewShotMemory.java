package io.himoe.experts.llm;

import io.himoe.shared.Message;
import io.himoe.shared.TtlLruCache;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The well-rated exchanges an LLM expert shows its model as few-shot examples: each answer is
 * remembered by trace id for an hour (the last 1,000), and when feedback rates it at least {@code
 * minReward} the exchange (the last user turn and the answer's text) becomes an example; at most
 * {@code capacity} are kept, the oldest dropped first, one per question (a newer rating of the same
 * question replaces it, a rating under {@code minReward} removes it). Exchanges longer than {@value
 * #MAX_CHARS} characters are not kept: examples must stay cheap. Thread-safe.
 */
final class FewShotMemory {

  /** Longest question or answer kept as an example, in characters. */
  static final int MAX_CHARS = 2000;

  private record Exchange(String question, String answer) {}

  private final int capacity;
  private final double minReward;
  private final TtlLruCache<String, Exchange> recent;
  // question -> answer, oldest first
  private final LinkedHashMap<String, String> examples = new LinkedHashMap<>();

  /**
   * @param capacity examples kept, &gt;= 1
   * @param minReward the least reward that makes an exchange an example, in [0, 1]
   * @param clock the clock of the answers' memory
   */
  FewShotMemory(int capacity, double minReward, InstantSource clock) {
    this.capacity = capacity;
    this.minReward = minReward;
    this.recent = new TtlLruCache<>(1000, Duration.ofHours(1), clock);
  }

  /**
   * Remembers an answer for the feedback that may follow.
   *
   * @param traceId the request's trace id
   * @param question the last user turn
   * @param answer the answer's text
   */
  void answered(String traceId, String question, String answer) {
    if (question == null
        || answer == null
        || question.isBlank()
        || answer.isBlank()
        || question.length() > MAX_CHARS
        || answer.length() > MAX_CHARS) {
      return;
    }
    recent.put(traceId, new Exchange(question, answer));
  }

  /**
   * @param traceId the trace id of a rated answer
   * @param reward its reward, in [0, 1]
   */
  void rated(String traceId, double reward) {
    var e = recent.get(traceId);
    if (e.isEmpty()) {
      return;
    }
    synchronized (examples) {
      examples.remove(e.get().question());
      if (reward >= minReward) {
        examples.put(e.get().question(), e.get().answer());
        while (examples.size() > capacity) {
          examples.remove(examples.keySet().iterator().next());
        }
      }
    }
  }

  /**
   * @return the examples as user and assistant turns, oldest first
   */
  List<Message> messages() {
    synchronized (examples) {
      List<Message> out = new ArrayList<>(2 * examples.size());
      for (Map.Entry<String, String> x : examples.entrySet()) {
        out.add(Message.user(x.getKey()));
        out.add(Message.assistant(x.getValue()));
      }
      return out;
    }
  }
}
