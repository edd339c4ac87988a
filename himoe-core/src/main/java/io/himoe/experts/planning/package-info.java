/** Planning experts: turn a goal into ordered steps. */
@NullMarked
package io.himoe.experts.planning;

import org.jspecify.annotations.NullMarked;
