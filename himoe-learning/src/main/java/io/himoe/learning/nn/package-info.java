/**
 * Minimal neural building blocks for gates: a dense network with hand-written gradients ({@link
 * io.himoe.learning.nn.Mlp}), the Adam optimiser, and numerically stable losses.
 */
@NullMarked
package io.himoe.learning.nn;

import org.jspecify.annotations.NullMarked;
