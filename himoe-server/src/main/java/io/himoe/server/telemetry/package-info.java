/** OpenTelemetry spans for requests and expert calls. */
@NullMarked
package io.himoe.server.telemetry;

import org.jspecify.annotations.NullMarked;
