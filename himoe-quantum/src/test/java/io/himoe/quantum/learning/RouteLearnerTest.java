package io.himoe.quantum.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.quantum.data.RouteTask;
import io.himoe.quantum.data.SyntheticRoutes;
import io.himoe.quantum.gate.ClassicalGate;
import io.himoe.quantum.gate.QuantumGate;
import io.himoe.quantum.gate.QuantumGateConfig;
import io.himoe.quantum.gate.Selection;
import io.himoe.quantum.gate.TrainableGate;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RouteLearnerTest {

  private static final SyntheticRoutes PROTOCOL = new SyntheticRoutes(3, 2, 6, 4.0, 3);
  private static final LearnerOptions FAST = new LearnerOptions(12, 16, 0.05, 40, 32, 0.0, true);

  private static double accuracy(TrainableGate g, RouteTask t) {
    int ok = 0;
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < t.testX().length; i++) {
      if (g.route(t.testX()[i], Selection.expectation(), r).branch() == t.testRoutes()[i]) {
        ok++;
      }
    }
    return (double) ok / t.testX().length;
  }

  private static QuantumGate quantum() {
    return QuantumGate.create(QuantumGateConfig.of(6), new SplittableRandom(5));
  }

  @Test
  void theQuantumGateLearnsNewRoutesAndKeepsTheOldOnes() {
    List<RouteTask> tasks = PROTOCOL.generate(60);
    QuantumGate g = quantum();
    RouteLearner learner = new RouteLearner(g, FAST, new SplittableRandom(9));
    for (int t = 0; t < tasks.size(); t++) {
      learner.learn(t, tasks.get(t).trainX(), tasks.get(t).trainRoutes());
    }
    assertThat(g.branches()).isEqualTo(3);
    assertThat(g.circuit().qubits()).isEqualTo(2);
    for (RouteTask t : tasks) {
      assertThat(accuracy(g, t)).as(t.name()).isGreaterThanOrEqualTo(0.9);
    }
    assertThat(learner.events()).filteredOn(e -> e instanceof RouteEvent.BranchAdded).hasSize(2);
  }

  @Test
  void aRepeatedTaskFineTunesAndAConflictingOneExtends() {
    List<RouteTask> tasks = PROTOCOL.generate(60);
    QuantumGate g = quantum();
    RouteLearner learner = new RouteLearner(g, FAST, new SplittableRandom(9));
    learner.learn(0, tasks.get(0).trainX(), tasks.get(0).trainRoutes());
    learner.learn(1, tasks.get(1).trainX(), tasks.get(1).trainRoutes());
    RouteTask again = PROTOCOL.revisit(1, 60);
    List<RouteEvent> repeat = learner.learn(2, again.trainX(), again.trainRoutes());
    assertThat(repeat).singleElement().isInstanceOf(RouteEvent.FineTuned.class);
    assertThat(((RouteEvent.FineTuned) repeat.get(0)).cosine()).isPositive();
    List<RouteEvent> fresh = learner.learn(3, tasks.get(2).trainX(), tasks.get(2).trainRoutes());
    assertThat(fresh.get(0)).isInstanceOf(RouteEvent.BranchAdded.class);
    assertThat(fresh.get(1)).isInstanceOf(RouteEvent.Extended.class);
    assertThat(((RouteEvent.Extended) fresh.get(1)).cosine()).isNegative();
    assertThat(((RouteEvent.Extended) fresh.get(1)).reason()).contains("would undo");
  }

  @Test
  void withoutMemoryEveryLaterTaskGetsNewRotations() {
    List<RouteTask> tasks = PROTOCOL.generate(30);
    QuantumGate g = quantum();
    RouteLearner learner =
        new RouteLearner(g, FAST.withMemory(0).withTraining(2, 0.05), new SplittableRandom(9));
    learner.learn(0, tasks.get(0).trainX(), tasks.get(0).trainRoutes());
    int blocks = g.circuit().blocks();
    List<RouteEvent> second = learner.learn(1, tasks.get(1).trainX(), tasks.get(1).trainRoutes());
    assertThat(second.get(1)).isInstanceOf(RouteEvent.Extended.class);
    assertThat(g.circuit().blocks()).isEqualTo(blocks + 1);
    assertThat(learner.memorySize()).isZero();
  }

  @Test
  void theClassicalGateLearnsTheSameProtocol() {
    List<RouteTask> tasks = PROTOCOL.generate(60);
    ClassicalGate g = ClassicalGate.create(6, 16, new SplittableRandom(5));
    RouteLearner learner =
        new RouteLearner(g, FAST.withTraining(12, 0.01), new SplittableRandom(9));
    for (int t = 0; t < tasks.size(); t++) {
      List<RouteEvent> events = learner.learn(t, tasks.get(t).trainX(), tasks.get(t).trainRoutes());
      assertThat(events).noneMatch(e -> e instanceof RouteEvent.Extended);
    }
    for (RouteTask t : tasks) {
      assertThat(accuracy(g, t)).as(t.name()).isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void badTasksAreRefused() {
    RouteLearner learner = new RouteLearner(quantum(), FAST, new SplittableRandom(1));
    assertThatThrownBy(() -> learner.learn(0, new float[2][6], new int[1]))
        .hasMessageContaining("2 inputs and 1 routes");
    assertThatThrownBy(() -> learner.learn(0, new float[1][6], new int[] {-1}))
        .hasMessageContaining("negative route -1");
  }

  @Test
  void cosineIgnoresMaskedEntries() {
    double c =
        RouteLearner.cosine(
            new double[] {1, 0, 5}, new double[] {1, 1, -5}, new boolean[] {true, true, false});
    assertThat(c).isEqualTo(1 / Math.sqrt(2));
  }
}
