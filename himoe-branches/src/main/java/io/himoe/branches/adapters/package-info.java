/**
 * Adapters to the core contract: a branched classifier as an {@link io.himoe.experts.Expert} that
 * keeps learning, and a branched network as a {@link io.himoe.router.Router}'s gate that learns new
 * routes without forgetting old ones.
 */
@NullMarked
package io.himoe.branches.adapters;

import org.jspecify.annotations.NullMarked;
