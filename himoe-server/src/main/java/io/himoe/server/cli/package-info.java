/** The {@code himoe} command line (picocli). */
package io.himoe.server.cli;
