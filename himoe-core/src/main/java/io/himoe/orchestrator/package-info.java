/**
 * Orchestrators: choose the router for a request, chain stages, name shadow routers and learn from
 * their comparison. An orchestrator never reaches an expert except through a router.
 */
@NullMarked
package io.himoe.orchestrator;

import org.jspecify.annotations.NullMarked;
