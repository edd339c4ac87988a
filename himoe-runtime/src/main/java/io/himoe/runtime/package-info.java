/**
 * Hi-MoE runtime (seed 003): dynamic resource allocation. Sub-packages: {@code complexity} (how
 * hard a request is), {@code device} (battery, memory, CPU read from the machine), {@code mode}
 * (performance modes chosen from both, applied to experts and routers), {@code memory} (byte pools
 * with backpressure) and {@code generation} (token streaming from a local n-gram model).
 */
@NullMarked
package io.himoe.runtime;

import org.jspecify.annotations.NullMarked;
