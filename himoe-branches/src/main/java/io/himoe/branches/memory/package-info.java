/** Episodic memory of (input embedding, output, score, branch) with a semantic (cosine) index. */
@NullMarked
package io.himoe.branches.memory;

import org.jspecify.annotations.NullMarked;
