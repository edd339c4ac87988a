/** Metrics (Micrometer, exported to Prometheus) and the dashboard's live state. */
@NullMarked
package io.himoe.server.metrics;

import org.jspecify.annotations.NullMarked;
