/** Hi-MoE learning module. */
package io.himoe.learning;
