/** Hi-MoE server: config, CLI, HTTP API, metrics, dashboard. */
package io.himoe.server;
