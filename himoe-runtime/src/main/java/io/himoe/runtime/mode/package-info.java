/**
 * Performance modes (seed 003): {@link io.himoe.runtime.mode.PerformanceMode} and its {@link
 * io.himoe.runtime.mode.PerformanceProfile}, the decision matrix from complexity and device status
 * ({@link io.himoe.runtime.mode.ModeMatrix}), tracked mode changes announced to listeners, and the
 * resizable {@link io.himoe.runtime.mode.Bulkhead} a profile's concurrency limit is applied with.
 */
package io.himoe.runtime.mode;
