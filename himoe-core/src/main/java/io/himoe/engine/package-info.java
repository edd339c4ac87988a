/**
 * The engine: the single entry point that runs the whole request path (choose router, stages,
 * synthesis, answer and decision trace), schedules shadows off the critical path and joins late
 * feedback to past decisions by trace id.
 */
package io.himoe.engine;
