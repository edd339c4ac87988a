package io.himoe.branches.bench;

import io.himoe.branches.data.Dataset;

/**
 * One task of a continual-learning protocol.
 *
 * @param name the task's name
 * @param train training data (labels already in the scenario's output space)
 * @param test test data
 * @param classes the output classes this task uses (the mask in the task-incremental scenario)
 */
public record ClTask(String name, Dataset train, Dataset test, int[] classes) {}
