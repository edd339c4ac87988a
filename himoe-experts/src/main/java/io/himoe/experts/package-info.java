/** Hi-MoE experts module. */
package io.himoe.experts;
