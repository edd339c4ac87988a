/**
 * The continual-learning benchmark harness: protocols (split and permuted MNIST, CLINC150 by
 * domain, a generated one for CI), methods (branches and the baselines), the {@code cl run} command
 * and its Markdown/PNG report.
 */
@NullMarked
package io.himoe.branches.bench;

import org.jspecify.annotations.NullMarked;
