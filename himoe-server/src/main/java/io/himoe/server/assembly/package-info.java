/**
 * Builds experts, routers, the orchestrator and the engine from a configuration, and manages
 * experts at run time.
 */
@NullMarked
package io.himoe.server.assembly;

import org.jspecify.annotations.NullMarked;
