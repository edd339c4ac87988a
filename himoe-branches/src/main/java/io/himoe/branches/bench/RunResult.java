package io.himoe.branches.bench;

import io.himoe.branches.learning.BranchEvent;
import io.himoe.branches.metrics.AccuracyMatrix;
import io.himoe.branches.metrics.ClMetrics;
import java.util.List;

/**
 * What one run measured.
 *
 * @param protocol protocol name
 * @param scenario scenario
 * @param method method
 * @param matrix accuracy matrix R
 * @param initial accuracy per task before training (for FWT)
 * @param metrics ACC, BWT, FWT, forgetting (intransigence NaN: needs a joint run)
 * @param paramsRatio floats at the end over one plain network's floats
 * @param computeRatio branch forward passes per test input in the final evaluation (1 for one
 *     network)
 * @param spawns branches spawned
 * @param merges merges
 * @param collections garbage collections
 * @param usage per task (rows), share of its test inputs routed to each branch slot at the end
 * @param events the learner's events with their reasons
 * @param seconds wall time of the run
 */
public record RunResult(
    String protocol,
    Scenario scenario,
    Method method,
    AccuracyMatrix matrix,
    double[] initial,
    ClMetrics metrics,
    double paramsRatio,
    double computeRatio,
    int spawns,
    int merges,
    int collections,
    double[][] usage,
    List<BranchEvent> events,
    double seconds) {}
