/**
 * Continual learning over branched networks: gradient-conflict decisions (spawn or fine-tune), EWC
 * / SI / L2 protection, merge and garbage collection, each logged with its reason.
 */
@NullMarked
package io.himoe.branches.learning;

import org.jspecify.annotations.NullMarked;
