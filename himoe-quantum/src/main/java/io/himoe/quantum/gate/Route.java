package io.himoe.quantum.gate;

/**
 * One routing decision.
 *
 * @param branch the chosen branch, or -1 when every shot landed on a basis state that is no branch
 * @param shots measurements spent (0 with {@link Selection.Expectation})
 * @param discardedShots shots that landed outside the live branches
 */
public record Route(int branch, int shots, int discardedShots) {}
