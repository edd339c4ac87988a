/**
 * Images in: decoding an image (PNG, JPEG, GIF, BMP) into the 28×28 MNIST layout a branched digit
 * learner reads, so that the learner can serve as the first vision expert.
 */
@NullMarked
package io.himoe.branches.vision;

import org.jspecify.annotations.NullMarked;
