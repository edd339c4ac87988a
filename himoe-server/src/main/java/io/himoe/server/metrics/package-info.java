/** Metrics (Micrometer, exported to Prometheus) and the dashboard's live state. */
package io.himoe.server.metrics;
