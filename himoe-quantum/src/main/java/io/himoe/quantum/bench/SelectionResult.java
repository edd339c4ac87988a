package io.himoe.quantum.bench;

/**
 * How one way of selecting did on every task's test inputs after the last task.
 *
 * @param label e.g. "expectation", "8 shots", "8 shots, noisy"
 * @param shots shots per decision (0 = exact probabilities)
 * @param accuracy share of inputs routed to their route, 0..1
 * @param decisionsPerSecond routing decisions per second on this machine (simulation included)
 * @param discardedShare share of shots that landed on no branch, 0..1
 */
public record SelectionResult(
    String label, int shots, double accuracy, double decisionsPerSecond, double discardedShare) {}
