/** Hi-MoE branches module. */
package io.himoe.branches;
