/**
 * Builds experts, routers, the orchestrator and the engine from a configuration, and manages
 * experts at run time.
 */
package io.himoe.server.assembly;
