/**
 * Performance modes (seed 003): {@link io.himoe.runtime.mode.PerformanceMode} and its {@link
 * io.himoe.runtime.mode.PerformanceProfile}, the decision matrix from complexity and device status
 * ({@link io.himoe.runtime.mode.ModeMatrix}) and tracked mode changes announced to listeners (the
 * server resizes each expert's resilience4j bulkhead to the profile's concurrency on a change).
 */
@NullMarked
package io.himoe.runtime.mode;

import org.jspecify.annotations.NullMarked;
