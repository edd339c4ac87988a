/** Hi-MoE branches module. */
@NullMarked
package io.himoe.branches;

import org.jspecify.annotations.NullMarked;
