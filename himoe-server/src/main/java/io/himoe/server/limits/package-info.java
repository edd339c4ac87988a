/**
 * Per-key limits (requests and tokens per minute, cost per day) and the store of their counters:
 * {@link io.himoe.server.limits.LimitStore#inMemory()} on one node; a shared implementation (e.g.
 * PostgreSQL) makes the limits hold across replicas.
 */
@NullMarked
package io.himoe.server.limits;

import org.jspecify.annotations.NullMarked;
