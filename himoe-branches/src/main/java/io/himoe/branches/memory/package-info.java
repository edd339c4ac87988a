/** Episodic memory of (input embedding, output, score, branch) with a semantic (cosine) index. */
package io.himoe.branches.memory;
