package io.himoe.learning.metrics;

/**
 * One bin of a reliability diagram.
 *
 * @param lower lower confidence bound (inclusive)
 * @param upper upper confidence bound (exclusive, except 1 for the last bin)
 * @param count observations in the bin
 * @param meanConfidence mean stated confidence (0 when empty)
 * @param accuracy observed share correct (0 when empty)
 */
public record ReliabilityBin(
    double lower, double upper, long count, double meanConfidence, double accuracy) {}
