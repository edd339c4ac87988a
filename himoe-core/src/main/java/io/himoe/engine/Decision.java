package io.himoe.engine;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.router.GateScores;
import io.himoe.router.RouteResult;
import io.himoe.router.Router;
import io.himoe.shared.ContentPart;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import io.himoe.shared.RouterInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A stored decision, kept under its trace id so that late feedback can be joined to it. It keeps
 * only what feedback reads — per stage the router's input (the encoder's vector packed, see {@link
 * PackedVector}), the policy's weights of every scored expert, the picked experts and their
 * utilities — not the raw scores nor the answers: thousands of decisions are kept, and whole route
 * results made the live heap, and so every collection, grow with the expert count. Its size in
 * bytes is estimated so that the store is bounded by bytes as well as by count.
 *
 * @param primaryRouter the primary router's id
 * @param stages what feedback needs of each stage, in order
 * @param routers the router of each stage
 */
record Decision(String primaryRouter, List<Stage> stages, List<Router> routers) {

  /**
   * @param source the input the router received
   * @param vector what the encoder made of it, or null when the router gates on raw input
   * @param weightIds the experts of the policy's weights, in their order
   * @param weightValues their weights
   * @param picked the experts called
   * @param utilByName each called expert's utility in the aggregate, by name
   */
  record Stage(
      InputData source,
      @Nullable PackedVector vector,
      ExpertId[] weightIds,
      double[] weightValues,
      List<ExpertRef> picked,
      Map<String, Double> utilByName) {

    /**
     * @return what the router saw, as it saw it
     */
    RouterInput input() {
      return vector == null
          ? RouterInput.raw(source)
          : new RouterInput.Encoded(vector.unpack(), source);
    }

    /**
     * @return the policy's weights at decision time
     */
    GateScores weights() {
      return GateScores.of(List.of(weightIds), weightValues);
    }

    long bytes() {
      long b = 96 + sourceBytes(source);
      b += vector == null ? 0 : vector.bytes();
      b += 32 + 12L * weightIds.length;
      b += 16 + 4L * picked.size() + 48L * utilByName.size();
      return b;
    }

    private static long sourceBytes(InputData in) {
      return switch (in) {
        // Strings are Latin-1 or UTF-16: count the wider.
        case InputData.Text(String t) -> 56 + 2L * t.length();
        case InputData.Bytes b -> 32 + b.bytes().length;
        case InputData.Features f -> 32 + 4L * f.dimension();
        case InputData.Conversation c -> conversationBytes(c);
      };
    }

    private static long conversationBytes(InputData.Conversation c) {
      // Tool calls and parameters are small beside the content; each turn is counted at 64 bytes.
      long b = 64;
      for (Message m : c.messages()) {
        b += 64;
        for (ContentPart p : m.content()) {
          b +=
              switch (p) {
                case ContentPart.Text(String t) -> 56 + 2L * t.length();
                case ContentPart.Image i -> 48 + i.size();
                case ContentPart.ImageUrl u -> 56 + 2L * u.url().toString().length();
              };
        }
      }
      return b;
    }
  }

  /**
   * @return the bytes this decision holds on the heap, estimated from above (shared objects such as
   *     routers and expert references not counted)
   */
  long bytes() {
    long b = 64 + 2L * primaryRouter.length();
    for (Stage s : stages) {
      b += s.bytes();
    }
    return b;
  }

  /**
   * @param primaryRouter the primary router's id
   * @param results the stages' full results
   * @param routers the router of each stage
   * @return the decision keeping what feedback needs
   */
  static Decision of(String primaryRouter, List<RouteResult> results, List<Router> routers) {
    List<Stage> stages = new ArrayList<>(results.size());
    for (RouteResult r : results) {
      PackedVector vector =
          r.input() instanceof RouterInput.Encoded e ? PackedVector.of(e.encoded()) : null;
      stages.add(
          new Stage(
              r.input().source(),
              vector,
              r.weights().ids().toArray(ExpertId[]::new),
              r.weights().values(),
              List.copyOf(r.picked()),
              Map.copyOf(r.out().mix().utilByExpert())));
    }
    return new Decision(primaryRouter, List.copyOf(stages), List.copyOf(routers));
  }
}
