/** Hi-MoE runtime module. */
package io.himoe.runtime;
