/**
 * The expert contract: {@link io.himoe.experts.Expert}, stable ids, the registry, outputs and
 * per-expert outcomes and statistics. Built-in experts live in sub-packages by domain.
 */
@NullMarked
package io.himoe.experts;

import org.jspecify.annotations.NullMarked;
