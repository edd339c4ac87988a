/**
 * Named memory pools with byte budgets and backpressure: a {@link
 * io.himoe.runtime.memory.MemoryPool} hands out {@link io.himoe.runtime.memory.MemoryPool.Lease}s
 * (always released with try-with-resources); a request that does not fit waits its turn (first
 * come, first served) up to a timeout, then fails with {@link
 * io.himoe.runtime.memory.MemoryExhaustedException}. {@link io.himoe.runtime.memory.MemoryPools}
 * derives the budgets from the device's free memory.
 */
@NullMarked
package io.himoe.runtime.memory;

import org.jspecify.annotations.NullMarked;
