/** OpenTelemetry spans for requests and expert calls. */
package io.himoe.server.telemetry;
