/**
 * Route-learning protocols: generated Gaussian tasks, and split MNIST reduced to a few pooled
 * features (an angle encoding reads a handful of numbers, not 784 pixels).
 */
@NullMarked
package io.himoe.quantum.data;

import org.jspecify.annotations.NullMarked;
