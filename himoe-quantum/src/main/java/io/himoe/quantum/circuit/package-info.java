/**
 * Parameterised circuits: the "weights" of seed 004 B are the angles of stacked rotations. Some
 * angles read the input (data re-uploading: {@code angle = bias + w·x}), the rest are free
 * parameters; gradients come from the parameter-shift rule, two extra circuit runs per angle, as
 * they would on hardware.
 */
@NullMarked
package io.himoe.quantum.circuit;

import org.jspecify.annotations.NullMarked;
