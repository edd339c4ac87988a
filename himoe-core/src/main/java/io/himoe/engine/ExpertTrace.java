package io.himoe.engine;

/**
 * One candidate expert in a stage's decision.
 *
 * @param name the expert's name
 * @param id its id (hex)
 * @param score its raw gate score
 * @param weight its weight after the policy
 * @param status {@code answered}, {@code failed}, {@code dropped}, {@code skipped} or {@code
 *     not-picked}
 * @param latencyMs its latency when called, else 0
 * @param costUnits its cost when it answered, else 0
 * @param confidence its confidence when it answered, else 0
 * @param detail the error or drop reason, or empty
 */
public record ExpertTrace(
    String name,
    String id,
    double score,
    double weight,
    String status,
    long latencyMs,
    double costUnits,
    double confidence,
    String detail) {}
