/** Hi-MoE learning module. */
@NullMarked
package io.himoe.learning;

import org.jspecify.annotations.NullMarked;
