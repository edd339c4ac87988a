/** Planning experts: turn a goal into ordered steps. */
package io.himoe.experts.planning;
