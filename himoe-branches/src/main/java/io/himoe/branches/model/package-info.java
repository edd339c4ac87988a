/**
 * Branched networks (seed 004, version A): a bank of weight versions per block (full copies or
 * low-rank deltas over a shared base), a contextual gate, and the three gate modes (soft mix, hard
 * top-k, parallel + verifier).
 */
@NullMarked
package io.himoe.branches.model;

import org.jspecify.annotations.NullMarked;
