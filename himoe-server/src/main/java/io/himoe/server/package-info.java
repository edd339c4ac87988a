/** Hi-MoE server: config, CLI, HTTP API, metrics, dashboard. */
@NullMarked
package io.himoe.server;

import org.jspecify.annotations.NullMarked;
